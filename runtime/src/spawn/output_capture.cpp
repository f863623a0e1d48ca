// spawn/output_capture.cpp — the head/tail bookkeeping of StreamCollector (see the header).
#include "spawn/output_capture.hpp"

#include <algorithm>

namespace runtimo::spawn {

StreamCollector::StreamCollector(std::uint64_t max_bytes)
    : max_(max_bytes), head_cap_(max_bytes / 2), tail_cap_(max_bytes - max_bytes / 2) {}

void StreamCollector::append(std::string_view chunk) {
  total_ += chunk.size();
  if (!truncated_) {
    if (total_ <= max_) {
      head_.append(chunk);
      return;
    }
    // First overflow: what was kept beyond max/2 starts the tail, then the chunk follows it.
    truncated_ = true;
    std::string spill = head_.substr(std::min<std::size_t>(head_.size(), head_cap_));
    head_.resize(std::min<std::size_t>(head_.size(), head_cap_));
    // The head must hold exactly max/2 bytes even when the chunk itself crosses max/2.
    const std::size_t head_missing = head_cap_ - head_.size();
    const std::size_t into_head = std::min(head_missing, chunk.size());
    head_.append(chunk.substr(0, into_head));
    chunk.remove_prefix(into_head);
    head_.shrink_to_fit();
    push_tail(spill);
  }
  push_tail(chunk);
}

void StreamCollector::push_tail(std::string_view bytes) {
  if (tail_cap_ == 0 || bytes.empty()) return;
  if (bytes.size() >= tail_cap_) {
    ring_.assign(bytes.substr(bytes.size() - tail_cap_));
    ring_start_ = 0;
    return;
  }
  if (ring_.size() < tail_cap_) {  // still filling: append what fits, wrap the rest
    const std::size_t fits = std::min<std::size_t>(tail_cap_ - ring_.size(), bytes.size());
    ring_.append(bytes.substr(0, fits));
    bytes.remove_prefix(fits);
    if (bytes.empty()) return;
  }
  // Full ring: overwrite the oldest bytes, wrapping at most once (bytes < tail_cap_).
  const std::size_t first = std::min(bytes.size(), ring_.size() - ring_start_);
  ring_.replace(ring_start_, first, bytes.substr(0, first));
  ring_.replace(0, bytes.size() - first, bytes.substr(first));
  ring_start_ = (ring_start_ + bytes.size()) % ring_.size();
}

StreamCapture StreamCollector::capture() const {
  StreamCapture out;
  out.head = head_;
  out.total = total_;
  out.truncated = truncated_;
  if (truncated_) {
    out.tail.reserve(ring_.size());
    out.tail.append(ring_, ring_start_, std::string::npos);
    out.tail.append(ring_, 0, ring_start_);
  }
  return out;
}

}  // namespace runtimo::spawn
