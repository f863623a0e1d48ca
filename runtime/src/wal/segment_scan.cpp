// wal/segment_scan.cpp — one segment read front to back as lines; see segment_scan.hpp.
#include "wal/segment_scan.hpp"

#include "wal/line_scanner.hpp"

#include <fcntl.h>

#include <algorithm>

namespace runtimo::wal::detail {

void report(const ProblemSink &sink, const JournalDir &dir, const SegmentFile &segment,
            std::uint64_t line, std::uint64_t offset, std::string what) {
  if (sink) sink(JournalProblem{dir.path_of(segment.name), line, offset, std::move(what)});
}

SegmentScanEnd scan_segment_blocks(const JournalDir &dir, const SegmentFile &segment,
                                   std::uint64_t from_offset,
                                   const std::function<bool(SegmentBlock &)> &on_block,
                                   const ProblemSink &on_problem) {
  SegmentScanEnd end;
  end.complete = from_offset;
  std::string refusal;
  struct stat st {};
  FileDescriptor fd = dir.open_regular(segment.name, O_RDONLY, 0, &refusal, &st);
  if (!fd.valid()) {
    report(on_problem, dir, segment, 0, 0, refusal + "; skipped");
    end.refused = true;
    return end;
  }
  // A catch-up of a few new lines must not pay for zeroing a 1 MiB buffer.
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t unread = size > from_offset ? size - from_offset : 0;
  const std::size_t block_bytes = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(unread + 1, 4096, std::uint64_t{1024} << 10));
  ForwardLineScanner scanner(fd.get(), dir.path_of(segment.name), from_offset, block_bytes);
  ScannedLine lines;
  SegmentBlock block;
  block.first_number = from_offset == 0 ? 1 : 0;
  while (scanner.next_lines(lines)) {
    if (!lines.terminated) {
      report(on_problem, dir, segment, block.first_number, lines.offset,
             "no terminating newline (a torn write, or a write in progress)");
      end.unterminated = true;
      break;
    }
    block.offset = lines.offset;
    block.text = lines.text;
    block.lines = 0;
    end.complete = lines.offset + lines.text.size();
    if (!on_block(block)) {
      end.stopped = true;
      break;
    }
    if (block.first_number != 0) block.first_number += block.lines;
  }
  return end;
}

SegmentScanEnd scan_segment_lines(const JournalDir &dir, const SegmentFile &segment,
                                  std::uint64_t from_offset,
                                  const std::function<bool(const SegmentLine &)> &on_line,
                                  const ProblemSink &on_problem) {
  SegmentLine line;
  std::uint64_t stopped_after = 0;  // offset past the line on_line stopped at
  SegmentScanEnd end = scan_segment_blocks(
      dir, segment, from_offset,
      [&](SegmentBlock &block) {
        std::string_view rest = block.text;
        line.number = block.first_number;
        line.offset = block.offset;
        block.lines = 0;
        while (!rest.empty()) {
          std::size_t length = rest.find('\n');
          line.text = rest.substr(0, length);
          ++block.lines;
          if (!on_line(line)) {
            stopped_after = line.offset + length + 1;
            return false;
          }
          rest.remove_prefix(length + 1);
          line.offset += length + 1;
          if (line.number != 0) ++line.number;
        }
        return true;
      },
      on_problem);
  if (end.stopped) end.complete = stopped_after;
  return end;
}

}  // namespace runtimo::wal::detail
