// backup/target_path.hpp — reaching the directory that holds a path to back up or restore
// without following any symlink on the way.
//
// The caller's path policy has already resolved the path (no symlinks, no "..") and decided it
// may be touched; this module re-walks it one component at a time from "/" with
// openat(O_PATH | O_DIRECTORY | O_NOFOLLOW), so a component swapped for a symlink after that
// check is refused instead of followed somewhere else. The last component is never opened
// here: the callers fstatat it with AT_SYMLINK_NOFOLLOW.
#pragma once

#include "backup/posix_file.hpp"

#include <filesystem>
#include <string>

namespace runtimo::backup {

// A path as its parent directory and the name in it.
struct TargetPath {
  std::filesystem::path parent;
  std::string name;
};

// Splits `path`, which must be absolute and normalised: it starts with '/', has no empty, "."
// or ".." component and no trailing '/', and is not "/" itself. Otherwise throws
// "cannot use <path>: <why> (a resolved absolute path is needed)".
TargetPath split_target(const std::filesystem::path &path);

// What open_parent does with a component that does not exist.
enum class MissingParents {
  absent,  // nothing can be at the path: return an invalid descriptor
  create,  // create it, mode 0755, and fsync the directory it was made in
};

// Opens the directory `dir` (absolute and normalised, e.g. TargetPath::parent) O_RDONLY, for
// *at() calls, listing and fsync. A symlink among its components throws "cannot use <dir>:
// <component> is a symlink (...)". A component that is missing, or is not a directory, gives
// an invalid descriptor with MissingParents::absent; with MissingParents::create a missing one
// is created and one that is not a directory throws.
UniqueFd open_parent(const std::filesystem::path &dir, MissingParents missing);

}  // namespace runtimo::backup
