// wal/seq_order.cpp — the interval set of seen seqs and the readers' seq rule; see
// seq_order.hpp.
#include "wal/seq_order.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

namespace runtimo::wal::detail {

bool SeqSet::contains(std::uint64_t seq) const {
  auto it = ranges_.upper_bound(seq);
  if (it == ranges_.begin()) return false;
  --it;
  return seq <= it->second;
}

bool SeqSet::insert(std::uint64_t seq) {
  // Once per line read: the common cases (the next seq, or one past any interval's end)
  // extend an interval in place instead of allocating a node.
  auto next = ranges_.upper_bound(seq);
  if (next != ranges_.begin()) {
    auto before = std::prev(next);
    if (seq <= before->second) return false;
    if (before->second + 1 == seq) {
      before->second = seq;
      if (next != ranges_.end() && next->first == seq + 1) {
        before->second = next->second;
        ranges_.erase(next);
      }
      return true;
    }
  }
  if (next != ranges_.end() && next->first == seq + 1) {
    std::uint64_t last = next->second;
    ranges_.emplace_hint(ranges_.erase(next), seq, last);
    return true;
  }
  ranges_.emplace_hint(next, seq, seq);
  return true;
}

void SeqSet::insert_interval(std::uint64_t first, std::uint64_t last) {
  // Merge with every interval that overlaps or touches [first, last].
  auto it = ranges_.upper_bound(first);
  if (it != ranges_.begin()) {
    auto before = std::prev(it);
    if (before->second == std::numeric_limits<std::uint64_t>::max() ||
        before->second + 1 >= first) {
      first = before->first;
      last = std::max(last, before->second);
      it = ranges_.erase(before);
    }
  }
  while (it != ranges_.end() &&
         (last == std::numeric_limits<std::uint64_t>::max() || it->first <= last + 1)) {
    last = std::max(last, it->second);
    it = ranges_.erase(it);
  }
  ranges_.emplace(first, last);
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> SeqSet::intervals() const {
  return {ranges_.begin(), ranges_.end()};
}

bool SeqOrder::admit(std::uint64_t seq, std::string &problem) {
  problem.clear();
  if (!seen_.insert(seq)) {
    problem = "seq " + std::to_string(seq) +
              " duplicates an earlier line's; this copy is skipped (the journal was edited or "
              "a line copied)";
    return false;
  }
  const bool forward = direction_ == ReadDirection::forward;
  if (edge_ && (forward ? seq < *edge_ : seq > *edge_)) {
    problem = "seq " + std::to_string(seq) + " is out of order (" +
              (forward ? "after seq " : "before seq ") + std::to_string(*edge_) +
              "); the event is returned where it stands";
    return true;
  }
  edge_ = seq;
  return true;
}

}  // namespace runtimo::wal::detail
