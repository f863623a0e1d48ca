// policy/path_resolution.hpp — turning the path a caller gave into the absolute path the
// kernel would act on, for the path policy.
//
// Owns: the argument checks (empty, NUL byte, PATH_MAX), joining a relative path to the
// working directory, lexical normalisation (for matching the path as given), and resolution:
// an existing path is resolved with realpath(3); for a path that does not exist yet the
// deepest existing ancestor is resolved and the missing components are appended — a dangling
// symlink on the way is followed to where a create would land, and ".." after a missing
// component is refused (upstream C.24: /tmp/link→/etc + /tmp/link/new/file is /etc/new/file).
#pragma once

#include <runtimo/abi.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::policy {

struct Resolution {
  rt_status status = RT_OK;
  std::string path;  // absolute, no symlinks in the existing part, no "." or ".." components
  std::string message;
  std::string hint;
  bool ok() const { return status == RT_OK; }
};

// RT_INVALID_ARGS with a message naming the problem when `path` is empty, holds a NUL byte or
// is longer than PATH_MAX; otherwise RT_OK with `path` made absolute against `working_dir`
// (no normalisation).
Resolution absolute_path(std::string_view path, const std::filesystem::path &working_dir);

// The lexically normalised form of an absolute path: no ".", "..", "//" or trailing "/".
std::string lexically_normal(std::string_view absolute);

// Resolves an absolute path as described at the top of this file.
Resolution resolve_path(const std::string &absolute);

}  // namespace runtimo::policy
