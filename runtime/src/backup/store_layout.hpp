// backup/store_layout.hpp — where things are in the backup store (<root>/<job>/<index>) and
// how its directories are opened; the names allowed for jobs and stored copies; and whether a
// directory lies at or below another, so that nothing is backed up from inside the store or
// restored over it.
#pragma once

#include "backup/posix_file.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::backup {

// Throws unless `job` is a plain name: not empty, at most 255 bytes, no '/' or NUL, not
// starting with '.' (so never ".", ".." or a .partial-* name).
void check_job_name(std::string_view job);

// Throws unless `stored` (a PreImage's copy name) is a plain name in the same sense, so a
// stored copy can only ever be a complete entry directly in its job's directory.
void check_stored_name(std::string_view stored, std::string_view what);

// The name a take() copies into before renaming it to `stored`.
std::string partial_name(const std::string &stored);

enum class StoreAccess {
  existing,  // an invalid descriptor when the directory does not exist
  create,    // created, mode 0700, and the directory it was made in fsynced
  // created, mode 0700, nothing fsynced: the caller fsyncs it and the directory it was made
  // in once it holds what it was made for (take(): one pair of syncs, not two)
  create_unsynced,
};

// <root>, opened O_RDONLY | O_DIRECTORY | O_NOFOLLOW (the root itself must not be a symlink).
UniqueFd open_store_root(const std::filesystem::path &root, StoreAccess access);

// <root>/<job> below `root_fd`, with the same rules; `shown` is its path.
UniqueFd open_job_dir(int root_fd, std::string_view job, const std::filesystem::path &shown,
                      StoreAccess access);

// Whether the directory open as `dir_fd` is `ancestor` or lies anywhere below it (found by
// walking ".." up to "/").
bool is_at_or_below(int dir_fd, const struct stat &ancestor);

// Throws "cannot <verb> <path>: it is inside the backup store <root>" when the directory
// `parent_fd` is the store or below it, and "...: it contains the backup store <root>" when
// `name` below it is a directory the store lies in (root_fd open on <root>).
void check_outside_store(int parent_fd, const std::string &name, int root_fd,
                         const std::filesystem::path &root, const std::filesystem::path &path,
                         std::string_view verb);

}  // namespace runtimo::backup
