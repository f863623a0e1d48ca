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

SegmentScanEnd scan_segment_lines(const JournalDir &dir, const SegmentFile &segment,
                                  std::uint64_t from_offset,
                                  const std::function<bool(const SegmentLine &)> &on_line,
                                  const ProblemSink &on_problem) {
  SegmentScanEnd end;
  end.complete = from_offset;
  std::string refusal;
  FileDescriptor fd = dir.open_regular(segment.name, O_RDONLY, 0, &refusal);
  if (!fd.valid()) {
    report(on_problem, dir, segment, 0, 0, refusal + "; skipped");
    end.refused = true;
    return end;
  }
  // A catch-up of a few new lines must not pay for zeroing a 1 MiB buffer.
  const std::uint64_t size = file_size(fd.get(), dir.path_of(segment.name));
  const std::uint64_t unread = size > from_offset ? size - from_offset : 0;
  const std::size_t block = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(unread + 1, 4096, std::uint64_t{1} << 20));
  ForwardLineScanner scanner(fd.get(), dir.path_of(segment.name), from_offset, block);
  ScannedLine line;
  SegmentLine current;
  while (scanner.next(line)) {
    if (from_offset == 0) ++current.number;
    if (!line.terminated) {
      report(on_problem, dir, segment, current.number, line.offset,
             "no terminating newline (a torn write, or a write in progress)");
      end.unterminated = true;
      break;
    }
    end.complete = line.offset + line.text.size() + 1;
    current.offset = line.offset;
    current.text = line.text;
    if (!on_line(current)) {
      end.stopped = true;
      break;
    }
  }
  return end;
}

}  // namespace runtimo::wal::detail
