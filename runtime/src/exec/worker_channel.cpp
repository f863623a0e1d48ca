// exec/worker_channel.cpp — framing over a unix stream socket (see the header).
#include "exec/worker_channel.hpp"

#include <boost/json.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace runtimo::exec {
namespace {

void put_u32(char *out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint32_t get_u32(const char *in) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

// Writes all of `data` (MSG_NOSIGNAL: a dead peer is EPIPE, not SIGPIPE).
bool write_all(int fd, const char *data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes; false at end of stream. The first read may carry a descriptor.
bool read_all(int fd, char *data, std::size_t size, int *received_fd) {
  bool first = true;
  while (size > 0) {
    ssize_t n;
    if (first && received_fd != nullptr) {
      iovec iov{data, size};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
      if (n > 0)
        for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            std::memcpy(received_fd, CMSG_DATA(c), sizeof(int));
    } else {
      n = ::read(fd, data, size);
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == ECONNRESET || errno == EPIPE)) return false;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "reading from a worker channel");
    if (n == 0) return false;
    first = false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

WorkerChannel::~WorkerChannel() { close(); }

WorkerChannel &WorkerChannel::operator=(WorkerChannel &&other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void WorkerChannel::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// One sendmsg for the whole frame (lengths, head, body, and the descriptor with its first
// byte); a short send is finished with plain writes.
bool WorkerChannel::send(const Frame &frame) {
  const std::string head = boost::json::serialize(frame.head);
  if (head.size() + frame.body.size() > kMaxFrameBytes) return false;
  char lengths[8];
  put_u32(lengths, static_cast<std::uint32_t>(head.size()));
  put_u32(lengths + 4, static_cast<std::uint32_t>(frame.body.size()));
  iovec iov[3] = {{lengths, sizeof lengths},
                  {const_cast<char *>(head.data()), head.size()},
                  {const_cast<char *>(frame.body.data()), frame.body.size()}};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = frame.body.empty() ? 2 : 3;
  if (frame.fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &frame.fd, sizeof(int));
  }
  ssize_t n;
  do n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  auto sent = static_cast<std::size_t>(n);
  for (const iovec &part : iov) {
    if (sent >= part.iov_len) {
      sent -= part.iov_len;
      continue;
    }
    if (!write_all(fd_, static_cast<const char *>(part.iov_base) + sent, part.iov_len - sent)) return false;
    sent = 0;
  }
  return true;
}

std::optional<Frame> WorkerChannel::receive() {
  char lengths[8];
  Frame frame;
  if (!read_all(fd_, lengths, sizeof lengths, &frame.fd)) return std::nullopt;
  const std::uint32_t head_size = get_u32(lengths), body_size = get_u32(lengths + 4);
  if (static_cast<std::uint64_t>(head_size) + body_size > kMaxFrameBytes) {
    if (frame.fd >= 0) ::close(frame.fd);
    throw std::runtime_error("a worker sent a frame of " +
                             std::to_string(static_cast<std::uint64_t>(head_size) + body_size) +
                             " bytes, more than the limit of " + std::to_string(kMaxFrameBytes));
  }
  std::string rest(static_cast<std::size_t>(head_size) + body_size, '\0');  // one read for both
  if (!read_all(fd_, rest.data(), rest.size(), nullptr)) {
    if (frame.fd >= 0) ::close(frame.fd);
    return std::nullopt;
  }
  frame.body = rest.substr(head_size);
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(std::string_view(rest).substr(0, head_size), ec);
  if (ec || !parsed.is_object()) {
    if (frame.fd >= 0) ::close(frame.fd);
    throw std::runtime_error("a worker sent a frame whose head is not a JSON object");
  }
  frame.head = std::move(parsed.get_object());
  return frame;
}

std::string pack_parts(std::initializer_list<std::string_view> parts) {
  std::string body;
  for (std::string_view part : parts) {
    char length[4];
    put_u32(length, static_cast<std::uint32_t>(part.size()));
    body.append(length, 4);
    body.append(part);
  }
  return body;
}

std::vector<std::string_view> unpack_parts(std::string_view body) {
  std::vector<std::string_view> parts;
  while (!body.empty()) {
    if (body.size() < 4) throw std::runtime_error("a worker frame's body is not a sequence of parts");
    const std::uint32_t size = get_u32(body.data());
    if (body.size() - 4 < size) throw std::runtime_error("a worker frame's body is not a sequence of parts");
    parts.push_back(body.substr(4, size));
    body.remove_prefix(4 + size);
  }
  return parts;
}

std::pair<WorkerChannel, WorkerChannel> make_channel_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair for a worker");
  return {WorkerChannel(fds[0]), WorkerChannel(fds[1])};
}

}  // namespace runtimo::exec
