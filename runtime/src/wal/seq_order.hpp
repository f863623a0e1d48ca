// wal/seq_order.hpp — the readers' seq rule (FORMAT.md, "Reading"), shared by read_journal,
// tail_journal, verify_journal and the job index so that all of them return the same events.
//
// A line with a valid CRC is returned unless its seq was already returned (a duplicate:
// skipped and reported); a seq out of order is reported but the event is returned. Readers
// must not hide history: one duplicated or misplaced line must cost that line at most.
//
// The seqs seen are kept as an interval set: a healthy journal is one interval [first, last],
// so the set stays a few words whatever the journal's size.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace runtimo::wal::detail {

class SeqSet {
 public:
  bool contains(std::uint64_t seq) const;
  // Adds `seq`; false when it was already there.
  bool insert(std::uint64_t seq);
  // The closed intervals, lowest first (to persist the set).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> intervals() const;
  // Adds a closed interval read back from `intervals()`.
  void insert_interval(std::uint64_t first, std::uint64_t last);
  bool empty() const { return ranges_.empty(); }

 private:
  std::map<std::uint64_t, std::uint64_t> ranges_;  // first -> last, disjoint, not adjacent
};

enum class ReadDirection { forward, backward };

class SeqOrder {
 public:
  explicit SeqOrder(ReadDirection direction) : direction_(direction) {}
  // Whether a valid line with `seq` is returned (false: a duplicate, skipped). `problem`
  // receives what to report, or stays empty.
  bool admit(std::uint64_t seq, std::string &problem);

  SeqSet &seen() { return seen_; }
  const SeqSet &seen() const { return seen_; }
  // The highest seq returned going forwards (the lowest going backwards), if any.
  std::optional<std::uint64_t> edge() const { return edge_; }
  void set_edge(std::optional<std::uint64_t> edge) { edge_ = edge; }

 private:
  ReadDirection direction_;
  SeqSet seen_;
  std::optional<std::uint64_t> edge_;
};

}  // namespace runtimo::wal::detail
