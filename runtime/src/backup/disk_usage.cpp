// backup/disk_usage.cpp — see disk_usage.hpp.
#include "backup/disk_usage.hpp"

#include "backup/backup_error.hpp"
#include "backup/posix_file.hpp"

#include <fcntl.h>

#include <cerrno>

namespace runtimo::backup {

std::uint64_t disk_usage(int dir_fd, const std::string &name, const std::filesystem::path &shown) {
  const auto st = stat_entry(dir_fd, name, shown);
  if (!st) return 0;
  std::uint64_t total = static_cast<std::uint64_t>(st->st_blocks) * 512;
  if (!S_ISDIR(st->st_mode)) return total;
  const UniqueFd dir(
      ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.valid()) {
    if (errno == ENOENT) return 0;
    throw_errno("open directory", shown, errno);
  }
  for (const auto &child : list_names(dir.get(), shown))
    total += disk_usage(dir.get(), child, shown / child);
  return total;
}

}  // namespace runtimo::backup
