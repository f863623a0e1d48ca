// wal/segment_scan.hpp — one segment read front to back as lines, with what every forward
// reader reports the same way: a segment that is a symlink or not a regular file (skipped),
// and an unterminated last line (a torn write, or a write in progress: readers take no lock).
// The common core of read_journal, verify_journal, the writer's seq scan and the job index.
#pragma once

#include "wal/journal.hpp"
#include "wal/journal_dir.hpp"

#include <cstdint>
#include <functional>
#include <string_view>

namespace runtimo::wal::detail {

struct SegmentLine {
  std::uint64_t number = 0;  // 1-based line number (0 when the scan began past offset 0)
  std::uint64_t offset = 0;  // of the line's first byte
  std::string_view text;     // without its '\n'; valid during the callback only
};

using ProblemSink = std::function<void(const JournalProblem &)>;

struct SegmentScanEnd {
  bool stopped = false;          // on_line returned false
  bool refused = false;          // not a regular file: nothing read
  bool unterminated = false;     // bytes after the last '\n' (reported, not passed to on_line)
  std::uint64_t complete = 0;    // offset just past the last '\n' seen (the next line's start)
};

// Calls `on_line` for every '\n'-terminated line of `segment` from `from_offset` (a line
// start) on. Reports a refused segment and an unterminated last line to `on_problem` (if
// set). Throws JournalError when the segment cannot be read.
SegmentScanEnd scan_segment_lines(const JournalDir &dir, const SegmentFile &segment,
                                  std::uint64_t from_offset,
                                  const std::function<bool(const SegmentLine &)> &on_line,
                                  const ProblemSink &on_problem);

// Reports `what` about a line of `segment` to `sink` when it is set.
void report(const ProblemSink &sink, const JournalDir &dir, const SegmentFile &segment,
            std::uint64_t line, std::uint64_t offset, std::string what);

}  // namespace runtimo::wal::detail
