// backup/replace_entry.cpp — see replace_entry.hpp.
#include "backup/replace_entry.hpp"

#include "backup/backup_error.hpp"
#include "backup/posix_file.hpp"
#include "backup/remove_tree.hpp"
#include "util/ids.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace runtimo::backup {

namespace {

bool is_reserved(const std::string &name) {
  return name.rfind(kRestorePrefix, 0) == 0 || name.rfind(kAsidePrefix, 0) == 0;
}

void rename_in(int dir_fd, const std::string &from, const std::string &to,
               const std::filesystem::path &dir) {
  if (::renameat(dir_fd, from.c_str(), dir_fd, to.c_str()) != 0) {
    throw BackupError("cannot rename " + (dir / from).string() + " to " + to + ": " +
                      errno_text(errno));
  }
}

// Renames `name` to a new .runtimo-aside-* name, which it returns.
std::string move_aside(int dir_fd, const std::string &name, const std::filesystem::path &dir) {
  std::string aside = unused_name(dir_fd, kAsidePrefix, dir);
  rename_in(dir_fd, name, aside, dir);
  return aside;
}

}  // namespace

std::string unused_name(int dir_fd, std::string_view prefix, const std::filesystem::path &dir) {
  for (;;) {
    std::string name(prefix);
    try {
      name += util::new_id().substr(0, 12);
    } catch (const std::system_error &e) {
      throw BackupError("cannot choose a temporary name in " + dir.string() + ": " + e.what());
    }
    if (!stat_entry(dir_fd, name, dir / name)) return name;
  }
}

void remove_leftovers(int dir_fd, const std::filesystem::path &dir) {
  for (const auto &name : list_names(dir_fd, dir)) {
    if (is_reserved(name)) remove_tree(dir_fd, name, dir / name);
  }
}

void replace_entry(int dir_fd, const std::string &temp, const std::string &name,
                   const std::filesystem::path &dir) {
  const auto current = stat_entry(dir_fd, name, dir / name);
  if (!current) {
    rename_in(dir_fd, temp, name, dir);
    return;
  }
  if (::renameat2(dir_fd, temp.c_str(), dir_fd, name.c_str(), RENAME_EXCHANGE) == 0) {
    remove_tree(dir_fd, temp, dir / temp);  // the old node, now under the temporary name
    return;
  }
  if (errno != EINVAL && errno != ENOSYS) {
    throw BackupError("cannot exchange " + (dir / temp).string() + " with " +
                      (dir / name).string() + ": " + errno_text(errno));
  }
  // No exchange on this filesystem: rename(2) cannot replace a directory with a file, nor a
  // non-empty directory at all, so a directory goes aside first.
  if (S_ISDIR(current->st_mode)) {
    const std::string aside = move_aside(dir_fd, name, dir);
    rename_in(dir_fd, temp, name, dir);
    remove_tree(dir_fd, aside, dir / aside);
  } else {
    rename_in(dir_fd, temp, name, dir);
  }
}

void remove_entry(int dir_fd, const std::string &name, const std::filesystem::path &dir) {
  const auto current = stat_entry(dir_fd, name, dir / name);
  if (!current) return;
  if (S_ISDIR(current->st_mode)) {
    const std::string aside = move_aside(dir_fd, name, dir);
    remove_tree(dir_fd, aside, dir / aside);
  } else if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
    throw_errno("remove", dir / name, errno);
  }
}

}  // namespace runtimo::backup
