// backup/posix_file.hpp — the few POSIX building blocks every part of the backup module uses,
// with failures turned into BackupError messages that name the path.
//
// Owns: stat of a directory entry without following it; reopening
// checks (is this still the inode that was stat'ed); the sorted names of a directory; fsync;
// nanosecond timestamps. Nothing here follows a symlink: every lookup is relative to a directory
// descriptor with AT_SYMLINK_NOFOLLOW or O_NOFOLLOW.
#pragma once

#include "util/unique_fd.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::backup {

// An owned file descriptor, closed on destruction (util/unique_fd.hpp).
using util::UniqueFd;

// fstatat(dir_fd, name, AT_SYMLINK_NOFOLLOW): what the entry is, nullopt when it does not exist
// (ENOENT). Other failures throw "cannot stat <shown>: ...".
std::optional<struct stat> stat_entry(int dir_fd, const std::string &name,
                                      const std::filesystem::path &shown);

// fstat of an open descriptor; throws "cannot stat <shown>: ...".
struct stat stat_fd(int fd, const std::filesystem::path &shown);

// Opens the entry `name` below `dir_fd` with `flags` (O_RDONLY, O_RDONLY | O_DIRECTORY), once
// its type is known from `expected` (stat_entry) to be a regular file or a directory: first an
// O_PATH | O_NOFOLLOW descriptor, checked to be that very inode, then that inode reopened
// through /proc/self/fd (an entry swapped in meanwhile, a FIFO or a device, is never opened:
// "<shown> was replaced while being read"). Without /proc, the name is opened again with
// O_NOFOLLOW | O_NONBLOCK and the inode checked after.
UniqueFd open_known(int dir_fd, const std::string &name, int flags, const struct stat &expected,
                    const std::filesystem::path &shown);

// True when `a` and `b` describe the same inode.
bool same_inode(const struct stat &a, const struct stat &b);

// The names in the open directory `dir_fd` ("." and ".." left out), sorted bytewise. The
// descriptor's own position is not used (the listing reads through a duplicate).
std::vector<std::string> list_names(int dir_fd, const std::filesystem::path &shown);

// fsync(2); throws "cannot sync <shown>: ...".
void sync_fd(int fd, const std::filesystem::path &shown);

// st_mtim as nanoseconds since the epoch, and back (tv_nsec always in [0, 1e9)).
std::int64_t mtime_ns(const struct stat &st);
struct timespec timespec_of_ns(std::int64_t ns);

// "FIFO", "socket", "character device", "block device" (or "unknown file type") for a
// st_mode the module cannot back up.
std::string special_file_name(mode_t mode);

}  // namespace runtimo::backup
