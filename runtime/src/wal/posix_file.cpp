// wal/posix_file.cpp — POSIX file operations for the journal; see posix_file.hpp.
#include "wal/posix_file.hpp"

#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace runtimo::wal::detail {

std::string errno_text(int err) {
  return std::generic_category().message(err);
}

void throw_errno(std::string_view action, const std::filesystem::path &path, int err) {
  throw JournalError("cannot " + std::string(action) + " " + path.string() + ": " +
                     errno_text(err));
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor &FileDescriptor::operator=(FileDescriptor &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

FileLock::FileLock(int fd, int operation, const std::filesystem::path &path) : fd_(fd) {
  while (::flock(fd_, operation) != 0) {
    if (errno != EINTR) throw_errno("lock", path, errno);
  }
}

FileLock::~FileLock() {
  ::flock(fd_, LOCK_UN);
}

std::uint64_t file_size(int fd, const std::filesystem::path &path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("stat", path, errno);
  return static_cast<std::uint64_t>(st.st_size);
}

int write_all(int fd, std::string_view bytes, std::uint64_t &written) {
  written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // a regular file never returns 0 for a non-empty write
    written += static_cast<std::uint64_t>(n);
  }
  return 0;
}

void pread_exact(int fd, std::uint64_t offset, std::uint64_t length, std::string &out,
                 const std::filesystem::path &path) {
  out.resize(length);
  std::uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read", path, errno);
    }
    if (n == 0) {
      throw JournalError("cannot read " + path.string() + ": file shrank while reading (offset " +
                         std::to_string(offset + done) + ")");
    }
    done += static_cast<std::uint64_t>(n);
  }
}

void fsync_file(int fd, const std::filesystem::path &path) {
  int rc;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) throw_errno("sync", path, errno);
}

void fdatasync_file(int fd, const std::filesystem::path &path) {
  int rc;
  do {
    rc = ::fdatasync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) throw_errno("sync", path, errno);
}

}  // namespace runtimo::wal::detail
