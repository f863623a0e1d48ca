// backup/remove_tree.cpp — see remove_tree.hpp.
#include "backup/remove_tree.hpp"

#include "backup/backup_error.hpp"
#include "backup/posix_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace runtimo::backup {

void remove_tree(int dir_fd, const std::string &name, const std::filesystem::path &shown) {
  const auto st = stat_entry(dir_fd, name, shown);
  if (!st) return;
  if (!S_ISDIR(st->st_mode)) {
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      throw_errno("remove", shown, errno);
    }
    return;
  }
  {
    // O_DIRECTORY | O_NOFOLLOW opens nothing but a directory (a swapped-in symlink or device
    // fails with ENOTDIR/ELOOP before any open).
    UniqueFd dir(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid()) {
      if (errno == ENOENT) return;
      throw_errno("open directory", shown, errno);
    }
    const struct stat now = stat_fd(dir.get(), shown);
    if (::geteuid() != 0 && now.st_uid == ::geteuid() && (now.st_mode & 0700) != 0700) {
      if (::fchmod(dir.get(), (now.st_mode & 07777) | 0700) != 0) {
        throw_errno("make writable (to remove it)", shown, errno);
      }
    }
    for (const auto &child : list_names(dir.get(), shown))
      remove_tree(dir.get(), child, shown / child);
  }
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    throw_errno("remove", shown, errno);
  }
}

}  // namespace runtimo::backup
