// snapshot/proc_files.hpp — reading /proc and /sys files without iostreams, and the small
// text helpers every snapshot parser shares (numbers, space-separated fields, lines).
//
// Owns: open/read/close into caller-provided buffers (the samplers reuse one buffer per
// capture, so a scan allocates nothing per file), and "is this errno a vanished process".
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::snapshot {

// True for the errors a process that exited mid-read produces (ENOENT, ESRCH).
inline bool process_gone(int err) {
  return err == ENOENT || err == ESRCH;
}

// Opens `name` below `dir_fd` read-only, close-on-exec, never as a controlling terminal; the fd
// or -1 with errno set.
int open_below(int dir_fd, const char *name);

// Reads the whole (small) file `name` below `dir_fd` (AT_FDCWD for a path) into buf, at most
// cap bytes; returns its length or -errno.
long read_small(int dir_fd, const char *name, char *buf, std::size_t cap);

// One read(2) of at most cap bytes from `name` below `dir_fd`; returns the length or -errno.
// For /proc/<pid>/stat (generated as one record) and /proc/<pid>/cmdline (copied up to the
// count asked), one read returns everything that fits in cap — half the syscalls of
// read_small, which also waits for the end-of-file read.
// When `owner` is given, it receives fstat() of the open file (for /proc/<pid>/* files, the
// owner of the process as the kernel shows it); a failed fstat leaves it zeroed.
long read_once(int dir_fd, const char *name, char *buf, std::size_t cap,
               struct stat *owner = nullptr);

// One read(2) of at most cap bytes from the open `fd` — at offset 0 with pread(2) when `rewind`
// (re-reading a kept /proc file) — retried on EINTR; the length or -errno.
long read_open(int fd, char *buf, std::size_t cap, bool rewind = false);

// Reads the whole file at `path` into `storage` (grown as needed, kept between calls so its
// capacity is reused) and returns a view of the content; nullopt on error with errno set.
std::optional<std::string_view> read_file(const char *path, std::string &storage);

// Parses all of `text` as a number (no sign for unsigned types, no spaces).
template <class T>
bool parse_number(std::string_view text, T *out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// The field separated by spaces or tabs starting at `*pos`, which is advanced past it; empty
// at the end of the line (a '\n' ends a field and is not skipped).
std::string_view next_field(std::string_view text, std::size_t *pos);

// The line starting at `*pos` (without its '\n'), `*pos` advanced past the '\n'; nullopt
// when `*pos` is at the end.
std::optional<std::string_view> next_line(std::string_view text, std::size_t *pos);

// Text with leading and trailing spaces, tabs and newlines removed.
std::string_view trim(std::string_view text);

}  // namespace runtimo::snapshot
