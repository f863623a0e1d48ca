// wal/posix_file.hpp — the few POSIX file operations the journal needs, with errors turned
// into JournalError messages that name the file and the errno text.
//
// Owns: an owning file descriptor, a scoped flock, whole-buffer write/pread loops (EINTR-safe),
// syncs, and the
// "cannot <verb> <path>: <strerror>" message shape. Files are opened by journal_dir.hpp.
#pragma once

#include "wal/journal.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::wal::detail {

// "cannot <action> <path>: <errno text>" as a JournalError.
[[noreturn]] void throw_errno(std::string_view action, const std::filesystem::path &path, int err);

// The text of an errno value ("No space left on device").
std::string errno_text(int err);

// An owned file descriptor; closed on destruction.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor &&other) noexcept : fd_(other.release()) {}
  FileDescriptor &operator=(FileDescriptor &&other) noexcept;
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// flock(2) held for one scope: LOCK_EX or LOCK_SH, retried on EINTR; released on
// destruction. Throws "cannot lock <path>: ..." on failure.
class FileLock {
 public:
  FileLock(int fd, int operation, const std::filesystem::path &path);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

 private:
  int fd_;
};

// Size of an open file (fstat).
std::uint64_t file_size(int fd, const std::filesystem::path &path);

// Writes all of `bytes` (a write() loop); on failure returns the errno and sets `written` to
// the bytes that did reach the file. Returns 0 on success.
int write_all(int fd, std::string_view bytes, std::uint64_t &written);

// Reads exactly `length` bytes at `offset` into `out` (resized); throws on error or short read.
void pread_exact(int fd, std::uint64_t offset, std::uint64_t length, std::string &out,
                 const std::filesystem::path &path);

// fsync(2)/fdatasync(2), retried on EINTR; throw "cannot sync <path>: ...".
void fsync_file(int fd, const std::filesystem::path &path);
void fdatasync_file(int fd, const std::filesystem::path &path);

}  // namespace runtimo::wal::detail
