// exec/worker_channel.hpp — the byte stream between the host and a worker process (DESIGN §9):
// frames over one end of a socketpair(AF_UNIX, SOCK_STREAM).
//
// A frame is a small JSON object (the head: what it is and its small fields), an optional body
// of raw bytes (argument text, output JSON, a capture: sent as they are, never escaped into the
// head), and optionally one file descriptor (SCM_RIGHTS, for open_path). On the wire:
//   u32 head length, u32 body length (little-endian), head bytes, body bytes
// with the descriptor, if any, attached to the first byte. A frame larger than kMaxFrameBytes
// is refused on both sides (a worker cannot make the host read unbounded memory).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>
#include <optional>
#include <string>

namespace runtimo::exec {

struct Frame {
  boost::json::object head;
  std::string body;
  int fd = -1;  // received: owned by the receiver; sent: borrowed (the sender still owns it)
};

class WorkerChannel {
 public:
  static constexpr std::uint32_t kMaxFrameBytes = 1u << 30;  // 1 GiB: outputs may be large

  WorkerChannel() = default;
  explicit WorkerChannel(int fd) : fd_(fd) {}
  ~WorkerChannel();
  WorkerChannel(WorkerChannel &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  WorkerChannel &operator=(WorkerChannel &&other) noexcept;
  WorkerChannel(const WorkerChannel &) = delete;
  WorkerChannel &operator=(const WorkerChannel &) = delete;

  int fd() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void close();

  // False when the other side has gone (EPIPE, ECONNRESET) or the frame is too large.
  bool send(const Frame &frame);
  // The next frame; nullopt at end of stream (the other side closed or died). Throws
  // std::runtime_error for a malformed frame (a length over the limit, a head that is not a
  // JSON object).
  std::optional<Frame> receive();

 private:
  int fd_ = -1;
};

// Strings that need not be UTF-8 (paths, what a plugin wrote, argument text) never go in the
// head: they travel in the body as parts, each prefixed by its u32 length.
std::string pack_parts(std::initializer_list<std::string_view> parts);
// The parts of a body; throws std::runtime_error when the body is not a sequence of parts.
std::vector<std::string_view> unpack_parts(std::string_view body);

// A connected pair: {host end, worker end}, both close-on-exec.
std::pair<WorkerChannel, WorkerChannel> make_channel_pair();

}  // namespace runtimo::exec
