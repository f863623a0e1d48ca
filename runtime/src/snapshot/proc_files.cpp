// snapshot/proc_files.cpp — open/read/close into caller buffers; field and line splitting.
#include "snapshot/proc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace runtimo::snapshot {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

int open_below(int dir_fd, const char *name) {
  return ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

long read_open(int fd, char *buf, std::size_t cap, bool rewind) {
  for (;;) {
    const ssize_t n = rewind ? ::pread(fd, buf, cap, 0) : ::read(fd, buf, cap);
    if (n >= 0) return static_cast<long>(n);
    if (errno != EINTR) return -errno;
  }
}

long read_small(int dir_fd, const char *name, char *buf, std::size_t cap) {
  const int fd = open_below(dir_fd, name);
  if (fd < 0) return -errno;
  std::size_t got = 0;
  while (got < cap) {
    const long n = read_open(fd, buf + got, cap - got);
    if (n < 0) {
      ::close(fd);
      return n;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return static_cast<long>(got);
}

long read_once(int dir_fd, const char *name, char *buf, std::size_t cap, struct stat *owner) {
  const int fd = open_below(dir_fd, name);
  if (fd < 0) return -errno;
  if (owner != nullptr && ::fstat(fd, owner) != 0) *owner = {};
  const long n = read_open(fd, buf, cap);
  ::close(fd);
  return n;
}

std::optional<std::string_view> read_file(const char *path, std::string &storage) {
  const int fd = open_below(AT_FDCWD, path);
  if (fd < 0) return std::nullopt;
  // The string's size is kept at its capacity: resize() below only zero-fills new bytes.
  if (storage.size() < 4096) storage.resize(4096);
  std::size_t got = 0;
  for (;;) {
    if (got == storage.size()) storage.resize(storage.size() * 2);
    const long n = read_open(fd, storage.data() + got, storage.size() - got);
    if (n < 0) {
      const int err = static_cast<int>(-n);
      ::close(fd);
      errno = err;
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return std::string_view(storage.data(), got);
}

std::string_view next_field(std::string_view text, std::size_t *pos) {
  while (*pos < text.size() && is_blank(text[*pos])) ++*pos;
  const std::size_t start = *pos;
  while (*pos < text.size() && !is_blank(text[*pos]) && text[*pos] != '\n') ++*pos;
  return text.substr(start, *pos - start);
}

std::optional<std::string_view> next_line(std::string_view text, std::size_t *pos) {
  if (*pos >= text.size()) return std::nullopt;
  const std::size_t start = *pos;
  const std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) {
    *pos = text.size();
    return text.substr(start);
  }
  *pos = end + 1;
  return text.substr(start, end - start);
}

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace runtimo::snapshot
