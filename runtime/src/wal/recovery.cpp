// wal/recovery.cpp — torn-tail recovery and last-seq learning.
//
// RECOVERY RULES (FORMAT.md, "Recovery"; the writer calls this with the LOCK held, when it
// opens the journal and whenever it finds the current segment changed in a way it did not
// expect):
//
// 1. Only the current (highest-numbered) segment is ever modified, and only its last line.
//    Writers append whole lines under the lock, so the only way for a segment to end in a
//    damaged line is a writer that died (or failed) during its write(), or a crash that left
//    a partly written block (garbage or zeros) at the end of the file. That line's append
//    never returned, so nobody holds its seq: cutting it loses nothing that was acknowledged.
//
// 2. The last line is damaged when the file does not end in '\n' (the bytes after the last
//    '\n' are the torn line), or when its final '\n'-terminated line fails check_line.
//
// 3. A damaged last line is never just dropped. Its bytes, from its first byte to the end of
//    the file, are first written to corrupt/<segment>.<offset>.<unix-ns>.torn and fsync'ed
//    with their directory; only then is the segment truncated to the end of the previous
//    line and fsync'ed. A crash between the two steps leaves the tail in both places, and the
//    next open cuts it again into a second file: duplicated evidence, never lost evidence.
//
// 4. Nothing else is cut. After the cut, a line before it that fails the check stays where it
//    is (the reader and verify_journal report it); the last seq is taken from the last line
//    that passes the check, walking backwards past damaged ones, and from older segments if
//    the current one holds no good line (it is empty, or was just created by a rotation).
#include "wal/recovery.hpp"

#include "wal/line_scanner.hpp"
#include "wal/posix_file.hpp"
#include "wal/segment_names.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace runtimo::wal::detail {

namespace {

std::uint64_t seq_of(const boost::json::object &event) {
  const boost::json::value &seq = event.at("seq");
  return seq.is_uint64() ? seq.get_uint64() : static_cast<std::uint64_t>(seq.get_int64());
}

// The seq of the last line of the scan that passes the check, reading backwards.
std::optional<std::uint64_t> last_good_seq(BackwardLineScanner &scanner) {
  ScannedLine line;
  boost::json::object event;
  while (scanner.previous(line)) {
    if (line.terminated && check_line(line.text, &event).empty()) return seq_of(event);
  }
  return std::nullopt;
}

std::uint64_t unix_nanoseconds() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Rule 3, first step: the cut bytes, kept in corrupt/ and fsync'ed. Returns the file.
std::filesystem::path keep_cut_bytes(int fd, const std::filesystem::path &segment,
                                     std::uint64_t offset, std::uint64_t size,
                                     const std::filesystem::path &corrupt_dir) {
  std::string bytes;
  pread_exact(fd, offset, size - offset, bytes, segment);
  make_private_directory(corrupt_dir);
  std::uint64_t stamp = unix_nanoseconds();
  for (;;) {
    std::filesystem::path kept =
        corrupt_dir / (segment.filename().string() + "." + std::to_string(offset) + "." +
                       std::to_string(stamp) + ".torn");
    int raw = ::open(kept.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (raw < 0 && errno == EEXIST) {  // same offset cut twice in one nanosecond: next name
      ++stamp;
      continue;
    }
    if (raw < 0) throw_errno("create", kept, errno);
    FileDescriptor out(raw);
    std::uint64_t written = 0;
    if (int err = write_all(out.get(), bytes, written)) throw_errno("write", kept, err);
    fsync_file(out.get(), kept);
    fsync_directory(corrupt_dir);
    return kept;
  }
}

}  // namespace

SegmentTail recover_segment_tail(int fd, const std::filesystem::path &segment,
                                 const std::filesystem::path &corrupt_dir, RecoveryReport *report) {
  SegmentTail tail;
  tail.size = file_size(fd, segment);
  BackwardLineScanner scanner(fd, tail.size, segment);
  ScannedLine line;
  if (!scanner.previous(line)) return tail;  // empty segment

  // Rule 2: is the last line damaged?
  std::string reason;
  boost::json::object event;
  if (!line.terminated) {
    reason = "torn write: the last line of " + segment.filename().string() + " (offset " +
             std::to_string(line.offset) + ", " + std::to_string(line.text.size()) +
             " bytes) has no terminating newline";
  } else if (std::string what = check_line(line.text, &event); !what.empty()) {
    reason = "the last line of " + segment.filename().string() + " (offset " +
             std::to_string(line.offset) + ") fails the check: " + what;
  } else {
    tail.last_seq = seq_of(event);
    return tail;
  }

  // Rule 3: keep, then cut.
  std::uint64_t cut_at = line.offset;
  std::filesystem::path kept = keep_cut_bytes(fd, segment, cut_at, tail.size, corrupt_dir);
  if (::ftruncate(fd, static_cast<off_t>(cut_at)) != 0) throw_errno("truncate", segment, errno);
  fsync_file(fd, segment);
  if (report != nullptr) {
    report->torn_tail_cut = true;
    report->cut_bytes = tail.size - cut_at;
    report->kept_in = kept;
    report->reason = reason;
  }
  tail.size = cut_at;

  // Rule 4: the last seq comes from the last good line before the cut, damaged ones stay.
  tail.last_seq = last_good_seq(scanner);
  return tail;
}

std::optional<std::uint64_t> last_seq_before(const std::filesystem::path &dir,
                                             std::uint64_t number) {
  auto segments = list_segment_files(dir);
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    if (it->number >= number) continue;
    FileDescriptor fd = open_file(it->path, O_RDONLY);
    BackwardLineScanner scanner(fd.get(), file_size(fd.get(), it->path), it->path);
    if (auto seq = last_good_seq(scanner)) return seq;
  }
  return std::nullopt;
}

}  // namespace runtimo::wal::detail
