// spawn/output_capture.hpp — StreamCollector: what is kept of one output stream while the
// command writes it. Everything up to the cap is kept; past the cap, the first cap/2 bytes stay
// as the head and the last cap - cap/2 bytes are kept in a ring (the tail), so memory stays
// bounded whatever the command prints, while the start (usually the command line echoed, the
// first error) and the end (the summary, the last error) both survive.
#pragma once

#include "spawn/process_runner.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace runtimo::spawn {

class StreamCollector {
 public:
  explicit StreamCollector(std::uint64_t max_bytes);

  void append(std::string_view chunk);
  // The capture so far (tail linearised); the collector can go on appending afterwards.
  StreamCapture capture() const;

 private:
  void push_tail(std::string_view bytes);

  std::uint64_t max_;
  std::uint64_t head_cap_;  // max/2, once truncated
  std::uint64_t tail_cap_;  // max - max/2
  std::uint64_t total_ = 0;
  bool truncated_ = false;
  std::string head_;
  std::string ring_;  // up to tail_cap_ bytes; oldest at ring_start_ once full
  std::size_t ring_start_ = 0;
};

}  // namespace runtimo::spawn
