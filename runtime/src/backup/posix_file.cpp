// backup/posix_file.cpp — see posix_file.hpp.
#include "backup/posix_file.hpp"

#include "backup/backup_error.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace runtimo::backup {

std::optional<struct stat> stat_entry(int dir_fd, const std::string &name,
                                      const std::filesystem::path &shown) {
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  throw_errno("stat", shown, errno);
}

struct stat stat_fd(int fd, const std::filesystem::path &shown) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("stat", shown, errno);
  return st;
}

UniqueFd open_known(int dir_fd, const std::string &name, int flags, const struct stat &expected,
                    const std::filesystem::path &shown) {
  const auto replaced = [&](const struct stat &now) {
    return !same_inode(now, expected) || (now.st_mode & S_IFMT) != (expected.st_mode & S_IFMT);
  };
  const auto refuse = [&]() -> UniqueFd {
    throw BackupError(shown.string() + " was replaced while being read (try again)");
  };
  // An O_PATH descriptor names the inode without opening it (no driver's open, no FIFO
  // reader); only once it is the inode expected is it opened, through its /proc magic link.
  UniqueFd path_fd(::openat(dir_fd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!path_fd.valid()) throw_errno("open", shown, errno);
  if (replaced(stat_fd(path_fd.get(), shown))) return refuse();
  const std::string via_proc = "/proc/self/fd/" + std::to_string(path_fd.get());
  UniqueFd fd(::open(via_proc.c_str(), flags | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) {
    if (errno != ENOENT) throw_errno("open", shown, errno);
    // No /proc: the name again, O_NONBLOCK so that a FIFO swapped in cannot block; the inode
    // is checked below.
    fd = UniqueFd(
        ::openat(dir_fd, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) throw_errno("open", shown, errno);
  }
  if (replaced(stat_fd(fd.get(), shown))) return refuse();
  return fd;
}

bool same_inode(const struct stat &a, const struct stat &b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::vector<std::string> list_names(int dir_fd, const std::filesystem::path &shown) {
  // fdopendir takes over its descriptor, so it gets a fresh one of the same directory
  // (reopening "." also starts the listing at the beginning, whatever dir_fd's position).
  const int own = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (own < 0) throw_errno("open directory", shown, errno);
  DIR *dir = ::fdopendir(own);
  if (dir == nullptr) {
    const int err = errno;
    ::close(own);
    throw_errno("list", shown, err);
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent *e = ::readdir(dir);
    if (e == nullptr) break;
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) throw_errno("list", shown, err);
  std::sort(names.begin(), names.end());
  return names;
}

void sync_fd(int fd, const std::filesystem::path &shown) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) throw_errno("sync", shown, errno);
  }
}

std::int64_t mtime_ns(const struct stat &st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

struct timespec timespec_of_ns(std::int64_t ns) {
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t rest = ns % 1'000'000'000;
  if (rest < 0) {  // before 1970: tv_nsec stays non-negative
    rest += 1'000'000'000;
    --sec;
  }
  struct timespec ts {};
  ts.tv_sec = static_cast<time_t>(sec);
  ts.tv_nsec = static_cast<long>(rest);
  return ts;
}

std::string special_file_name(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFIFO:
      return "FIFO";
    case S_IFSOCK:
      return "socket";
    case S_IFCHR:
      return "character device";
    case S_IFBLK:
      return "block device";
    default:
      return "unknown file type";
  }
}

}  // namespace runtimo::backup
