// policy/path_policy.hpp — the one path policy every plugin goes through (host service
// check_path / open_path).
//
// Owns: resolving a path (symlinks resolved; for a path that does not exist yet, the deepest
// existing ancestor), the protected list (refused for reads and writes), the write prefixes
// (compared by path components, never as bare string prefixes), optional read prefixes, and
// opening a checked path without following symlinks (openat2 RESOLVE_NO_SYMLINKS).
#pragma once

#include <runtimo/abi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::policy {

struct PathRules {
  // Prefixes under which writes are allowed. "~" at the start means the user's home.
  std::vector<std::string> write_prefixes;
  // Prefixes under which reads are allowed; empty = reads allowed everywhere.
  std::vector<std::string> read_prefixes;
  // Never readable nor writable: absolute paths or fnmatch(3) patterns (FNM_PATHNAME),
  // "~" = the user's home. Checked on the resolved path and on the path as given.
  std::vector<std::string> protected_patterns;
  // Basename patterns exempt from `protected_patterns` for reads (e.g. "*.pub").
  std::vector<std::string> readable_exceptions;
  std::filesystem::path home;  // what "~" expands to
};

// The answer of the policy: status RT_OK with the resolved path, or a refusal that says what
// was wrong (message) and how to fix it (hint).
struct PathDecision {
  rt_status status = RT_OK;
  std::string resolved;
  std::string message;
  std::string hint;
  bool ok() const { return status == RT_OK; }
};

class PathPolicy {
 public:
  explicit PathPolicy(PathRules rules);

  PathDecision check(std::string_view path, std::uint32_t access,
                     const std::filesystem::path &working_dir) const;

  // check(), then open the resolved path with openat2(RESOLVE_NO_SYMLINKS) and
  // O_CLOEXEC|O_NOCTTY|O_NONBLOCK added to open_flags (mode 0600 when creating). On success
  // *fd is an open descriptor owned by the caller. A file with several hard links is refused
  // when one of its links is protected.
  PathDecision open(std::string_view path, std::uint32_t access, int open_flags,
                    const std::filesystem::path &working_dir, int *fd) const;

  const PathRules &rules() const { return rules_; }
  // The write prefixes as the policy compares them: "~" expanded, symlinks resolved.
  const std::vector<std::filesystem::path> &resolved_write_prefixes() const { return write_prefixes_; }

 private:
  PathRules rules_;
  std::vector<std::filesystem::path> write_prefixes_;  // resolved
  std::vector<std::filesystem::path> read_prefixes_;   // resolved
  std::vector<std::string> protected_;                 // "~" expanded
};

}  // namespace runtimo::policy
