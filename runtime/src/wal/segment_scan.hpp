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
  bool stopped = false;        // on_line returned false
  bool refused = false;        // not a regular file: nothing read
  bool unterminated = false;   // bytes after the last '\n' (reported, not passed to on_line)
  std::uint64_t complete = 0;  // offset just past the last '\n' seen (the next line's start)
};

// Whole lines as read: `text` runs from a line start to just past a '\n'.
struct SegmentBlock {
  std::uint64_t first_number = 0;  // line number of its first line (0 past offset 0)
  std::uint64_t offset = 0;
  std::string_view text;    // valid during the callback only
  std::uint64_t lines = 0;  // set by the callback: how many lines `text` held (it splits them)
};

// Calls `on_block` for every run of '\n'-terminated lines of `segment` from `from_offset` (a
// line start) on; the same reports as scan_segment_lines. For readers that work on several
// lines at once (verify).
SegmentScanEnd scan_segment_blocks(const JournalDir &dir, const SegmentFile &segment,
                                   std::uint64_t from_offset,
                                   const std::function<bool(SegmentBlock &)> &on_block,
                                   const ProblemSink &on_problem);

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
