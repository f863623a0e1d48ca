// policy/path_policy.hpp — the one path policy every plugin goes through (host service
// check_path / open_path), and the host's own input files.
//
// Owns: resolving a path (symlinks resolved; for a path that does not exist yet, the deepest
// existing ancestor), the protected set (built-in, see builtin_protected.hpp, extended by
// paths.protected; refused for reads and writes), the write prefixes (compared by path
// components, never as bare string prefixes; "/" is refused), optional read prefixes, and
// opening a checked path: without following symlinks, and judging the file's type and links
// before anything opens it (see no_follow_open.hpp).
#pragma once

#include <runtimo/abi.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::policy {

struct ProtectedRule;

struct PathRules {
  // Prefixes under which writes are allowed. "~" at the start means the user's home. A prefix
  // that is or resolves to "/" is refused (RuleError).
  std::vector<std::string> write_prefixes;
  // Prefixes under which reads are allowed; empty = reads allowed everywhere.
  std::vector<std::string> read_prefixes;
  // Added to the built-in protected set, never replacing it: absolute paths or fnmatch(3)
  // patterns (FNM_PATHNAME), "~" = the user's home. Checked on the resolved path and on the
  // path as given.
  std::vector<std::string> protected_patterns;
  // Basename patterns exempt from `protected_patterns` (only those) for reads (e.g. "*.pub").
  std::vector<std::string> readable_exceptions;
  // The runtime user's home (passwd, not $HOME): what "~" expands to; it also gets the
  // built-in credential rules, like every passwd home.
  std::filesystem::path home;
};

// A configuration entry the policy cannot use (relative, or a write prefix of "/"): the host
// reports it at startup as a configuration error.
class RuleError : public std::invalid_argument {
 public:
  RuleError(const std::string &message, std::string hint)
      : std::invalid_argument(message), hint_(std::move(hint)) {}
  const std::string &hint() const noexcept { return hint_; }

 private:
  std::string hint_;
};

// The answer of the policy: status RT_OK with the resolved path, or a refusal that says what
// was wrong (message) and how to fix it (hint).
struct PathDecision {
  rt_status status = RT_OK;
  std::string resolved;
  std::string message;
  std::string hint;
  bool ok() const { return status == RT_OK; }

  static PathDecision refused(rt_status status, std::string message, std::string hint = {}) {
    PathDecision d;
    d.status = status;
    d.message = std::move(message);
    d.hint = std::move(hint);
    return d;
  }
};

class PathPolicy {
 public:
  // Throws RuleError for an unusable entry.
  explicit PathPolicy(PathRules rules);
  ~PathPolicy();
  PathPolicy(PathPolicy &&) noexcept;

  PathDecision check(std::string_view path, std::uint32_t access,
                     const std::filesystem::path &working_dir) const;

  // check(), then open the resolved path (see no_follow_open.hpp): no symlink followed, and
  // before anything opens it the file must be a regular file — or a directory when the flags
  // have O_DIRECTORY or O_TMPFILE — and must not be a hard link to a protected file. A FIFO,
  // socket or device is refused without ever being opened. O_CLOEXEC|O_NOCTTY|O_NONBLOCK are
  // added (mode 0600 when creating). On success *fd is an open descriptor owned by the caller.
  PathDecision open(std::string_view path, std::uint32_t access, int open_flags,
                    const std::filesystem::path &working_dir, int *fd) const;

  const PathRules &rules() const { return rules_; }
  // The write prefixes as the policy compares them: "~" expanded, symlinks resolved.
  const std::vector<std::filesystem::path> &resolved_write_prefixes() const { return write_prefixes_; }

 private:
  struct Protection;
  // The rule protecting `path` for this access, or nullptr.
  const ProtectedRule *protected_by(std::string_view path, bool reading) const;

  PathRules rules_;
  std::vector<std::filesystem::path> write_prefixes_;  // resolved
  std::vector<std::filesystem::path> read_prefixes_;   // resolved
  std::vector<std::string> added_patterns_;            // paths.protected, "~" expanded
  // The protected sets, built on first use: enumerating passwd and looking at each home costs
  // about a millisecond, which commands that never check a path should not pay.
  std::unique_ptr<Protection> protection_;
};

}  // namespace runtimo::policy
