// wal/recovery.cpp — torn-tail recovery and learning the highest seq.
//
// RECOVERY RULES (FORMAT.md, "Recovery"; the writer applies them with the LOCK held, when it
// opens the journal and whenever it finds the current segment changed in a way it did not
// expect):
//
// 1. Only a torn tail is ever cut: the bytes after the last '\n' of the current (highest-
//    numbered) segment. Writers append whole lines, each ending in '\n', under the lock; with
//    the lock held nobody is writing, so bytes after the last '\n' are the line of a writer
//    that died (or failed) during its write(). That append never returned, so nobody holds
//    its seq: cutting it loses nothing that was acknowledged.
//
// 2. A torn tail is never just dropped. Its bytes are first written to
//    corrupt/<segment>.<offset>.<unix-ns>.torn and fsync'ed with their directory; only then is
//    the segment truncated to the end of its last complete line and fsync'ed. A crash between
//    the two steps leaves the tail in both places, and the next open cuts it again into a
//    second file: duplicated evidence, never lost evidence.
//
// 3. A complete line is never cut, whatever it holds. A '\n'-terminated line that fails the
//    check — a bad CRC, garbage, a CRLF conversion, zeros a file system left after a crash
//    followed by a newline — is damage: it stays where it is, readers skip it with a warning
//    and verify_journal lists it. Cutting it would lose evidence, and a journal converted
//    line by line would lose one more line at every open.
//
// 4. Seq continues above the highest seq present (FORMAT.md, "Seq"): every line whose
//    {"seq":N, prefix parses counts, damaged lines included, in every segment, so lines moved,
//    copied or damaged never make a new event reuse a seq. A seq that does not fit 64 bits is
//    damage and does not count.
#include "wal/recovery.hpp"

#include "wal/line_check.hpp"
#include "wal/line_scanner.hpp"
#include "wal/segment_scan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace runtimo::wal::detail {

namespace {

std::uint64_t unix_nanoseconds() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Rule 2, first step: the cut bytes, kept in corrupt/ and fsync'ed. Returns the file.
std::filesystem::path keep_cut_bytes(int fd, const JournalDir &wal, const SegmentFile &segment,
                                     std::uint64_t offset, std::uint64_t size,
                                     const JournalDir &corrupt) {
  std::string bytes;
  pread_exact(fd, offset, size - offset, bytes, wal.path_of(segment.name));
  std::uint64_t stamp = unix_nanoseconds();
  for (;;) {
    std::string name =
        segment.name + "." + std::to_string(offset) + "." + std::to_string(stamp) + ".torn";
    if (corrupt.stat_of(name)) {  // same offset cut twice in one nanosecond: next name
      ++stamp;
      continue;
    }
    FileDescriptor out = corrupt.open_regular(name, O_WRONLY | O_CREAT | O_EXCL);
    std::uint64_t written = 0;
    if (int err = write_all(out.get(), bytes, written)) {
      throw_errno("write", corrupt.path_of(name), err);
    }
    fsync_file(out.get(), corrupt.path_of(name));
    corrupt.sync();
    return corrupt.path_of(name);
  }
}

}  // namespace

std::uint64_t cut_torn_tail(int fd, const JournalDir &wal, const SegmentFile &segment,
                            const JournalDir &corrupt, RecoveryReport *report) {
  const std::filesystem::path path = wal.path_of(segment.name);
  const std::uint64_t size = file_size(fd, path);
  BackwardLineScanner scanner(fd, size, path);
  ScannedLine line;
  if (!scanner.previous(line) || line.terminated) return size;  // empty, or ends in '\n'

  // Rule 2: keep, then cut.
  std::uint64_t cut_at = line.offset;
  std::filesystem::path kept = keep_cut_bytes(fd, wal, segment, cut_at, size, corrupt);
  if (::ftruncate(fd, static_cast<off_t>(cut_at)) != 0) throw_errno("truncate", path, errno);
  fsync_file(fd, path);
  if (report != nullptr) {
    report->torn_tail_cut = true;
    report->cut_bytes = size - cut_at;
    report->kept_in = kept;
    report->reason = "torn write: the last line of " + segment.name + " (offset " +
                     std::to_string(cut_at) + ", " + std::to_string(size - cut_at) +
                     " bytes) has no terminating newline";
  }
  return cut_at;
}

std::uint64_t highest_seq_in(const JournalDir &wal, const SegmentFile &segment,
                             std::uint64_t from_offset) {
  std::uint64_t highest = 0;
  scan_segment_lines(wal, segment, from_offset,
                     [&](const SegmentLine &line) {
                       if (auto seq = peek_seq(line.text)) highest = std::max(highest, *seq);
                       return true;
                     },
                     {});
  return highest;
}

}  // namespace runtimo::wal::detail
