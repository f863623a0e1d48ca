// policy/path_policy.cpp — the one path policy (see path_policy.hpp). The order of a check:
// argument checks → absolute path → resolution → protected patterns (on the path as given,
// lexically normalised, and on the resolved path; readable exceptions only for reads) →
// write prefixes (for writes) and read prefixes (for reads, when configured), compared with
// the resolved path by whole components. open() adds the symlink-free open and the hard-link
// guard, and performs O_TRUNC itself only after the guard passed, so a hard link to a
// protected file cannot be truncated by the open that is then refused.
#include "policy/path_policy.hpp"

#include "policy/hardlink_guard.hpp"
#include "policy/no_follow_open.hpp"
#include "policy/path_patterns.hpp"
#include "policy/path_resolution.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace runtimo::policy {
namespace {

constexpr std::uint32_t kKnownAccess = RT_ACCESS_READ | RT_ACCESS_WRITE;

PathDecision refuse(rt_status status, std::string message, std::string hint = {}) {
  PathDecision d;
  d.status = status;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

// A configured entry, "~" expanded; empty when it needs a home and none is known (such an
// entry cannot match anything). Throws std::invalid_argument for a relative entry: that is
// a configuration error the host reports at startup.
std::string configured_entry(const std::string &entry, const std::filesystem::path &home,
                             const char *key) {
  std::string expanded = expand_home(entry, home);
  if (expanded.empty()) return expanded;
  if (expanded.front() != '/')
    throw std::invalid_argument(std::string(key) + " entry \"" + entry +
                                "\" is not an absolute path (\"~/...\" is allowed)");
  return expanded;
}

std::vector<std::filesystem::path> resolved_prefixes(const std::vector<std::string> &entries,
                                                     const std::filesystem::path &home,
                                                     const char *key) {
  std::vector<std::filesystem::path> out;
  for (const std::string &entry : entries) {
    const std::string expanded = configured_entry(entry, home, key);
    if (expanded.empty()) continue;
    const std::string normal = lexically_normal(expanded);
    const Resolution r = resolve_path(normal);
    out.emplace_back(r.ok() ? r.path : normal);
  }
  return out;
}

bool has_glob(std::string_view component) {
  return component.find_first_of("*?[\\") != std::string_view::npos;
}

// The pattern and, when the literal directories it starts with resolve elsewhere (a symlinked
// home, say), the same pattern under the resolved directories, so resolved paths match too.
void add_protected(const std::string &pattern, std::vector<std::string> *out) {
  out->push_back(pattern);
  std::size_t literal_end = 0;  // end of the last literal directory
  for (std::size_t pos = 1; pos <= pattern.size();) {
    const std::size_t slash = std::min(pattern.find('/', pos), pattern.size());
    if (slash == pattern.size() || has_glob(std::string_view(pattern).substr(pos, slash - pos)))
      break;
    literal_end = slash;
    pos = slash + 1;
  }
  if (literal_end == 0) return;
  const Resolution r = resolve_path(pattern.substr(0, literal_end));
  if (!r.ok() || r.path == pattern.substr(0, literal_end)) return;
  out->push_back(r.path + pattern.substr(literal_end));
}

bool within_any(std::string_view path, const std::vector<std::filesystem::path> &prefixes) {
  for (const auto &prefix : prefixes)
    if (is_within(path, prefix.string())) return true;
  return false;
}

std::string listed(const std::vector<std::filesystem::path> &prefixes) {
  std::string out;
  for (const auto &prefix : prefixes) {
    if (!out.empty()) out += ", ";
    out += prefix.string();
  }
  return out;
}

// Open flags that change the file (or create one) need write access.
bool flags_write(int flags) {
  return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)) != 0 ||
         (flags & O_TMPFILE) == O_TMPFILE;
}

}  // namespace

PathPolicy::PathPolicy(PathRules rules) : rules_(std::move(rules)) {
  write_prefixes_ = resolved_prefixes(rules_.write_prefixes, rules_.home, "paths.write_prefixes");
  read_prefixes_ = resolved_prefixes(rules_.read_prefixes, rules_.home, "paths.read_prefixes");
  for (const std::string &entry : rules_.protected_patterns) {
    const std::string expanded = configured_entry(entry, rules_.home, "paths.protected");
    if (!expanded.empty()) add_protected(expanded, &protected_);
  }
}

PathDecision PathPolicy::check(std::string_view path, std::uint32_t access,
                               const std::filesystem::path &working_dir) const {
  if (access == 0 || (access & ~kKnownAccess) != 0)
    return refuse(RT_INVALID_ARGS, "access " + std::to_string(access) +
                                       " is not RT_ACCESS_READ, RT_ACCESS_WRITE or both");
  const Resolution absolute = absolute_path(path, working_dir);
  if (!absolute.ok()) return refuse(absolute.status, absolute.message, absolute.hint);
  const std::string given = lexically_normal(absolute.path);
  const Resolution resolved = resolve_path(absolute.path);
  if (!resolved.ok()) return refuse(resolved.status, resolved.message, resolved.hint);

  const bool writing = (access & RT_ACCESS_WRITE) != 0;
  for (const std::string *candidate : {&given, &resolved.path}) {
    if (!matches_protected(*candidate, protected_)) continue;
    if (!writing && basename_matches(*candidate, rules_.readable_exceptions)) continue;
    const std::string what =
        given == resolved.path ? given : given + " resolves to " + resolved.path + ", which";
    return refuse(RT_DENIED, what + " is protected: Runtimo never reads or writes it",
                  "protected paths are listed in the config under paths.protected");
  }

  const std::string named =
      given == resolved.path ? resolved.path : resolved.path + " (" + given + " resolves to it)";
  if (writing && !within_any(resolved.path, write_prefixes_)) {
    const std::string allowed = write_prefixes_.empty()
                                    ? "no directory is writable"
                                    : "writes are allowed under " + listed(write_prefixes_);
    return refuse(RT_DENIED, named + " is outside the directories Runtimo may write",
                  allowed +
                      "; to allow another directory, add it to RUNTIMO_ALLOWED_PATHS or "
                      "to paths.write_prefixes in the config");
  }
  if ((access & RT_ACCESS_READ) != 0 && !read_prefixes_.empty() &&
      !within_any(resolved.path, read_prefixes_)) {
    return refuse(RT_DENIED, named + " is outside the directories Runtimo may read",
                  "reads are allowed under " + listed(read_prefixes_) +
                      "; to allow another directory, add it to paths.read_prefixes in the config");
  }

  PathDecision ok;
  ok.resolved = resolved.path;
  return ok;
}

PathDecision PathPolicy::open(std::string_view path, std::uint32_t access, int open_flags,
                              const std::filesystem::path &working_dir, int *fd) const {
  if (fd == nullptr) return refuse(RT_INVALID_ARGS, "open: no place for the file descriptor");
  *fd = -1;
  PathDecision decision = check(path, access, working_dir);
  if (!decision.ok()) return decision;
  if (flags_write(open_flags) && (access & RT_ACCESS_WRITE) == 0)
    return refuse(
        RT_INVALID_ARGS,
        "open flags ask to write " + decision.resolved + " but only read access was checked",
        "ask for RT_ACCESS_WRITE to open for writing");

  int raw = -1;
  PathDecision opened = open_without_symlinks(decision.resolved, open_flags & ~O_TRUNC, &raw);
  if (!opened.ok()) return opened;

  struct stat st {};
  if (::fstat(raw, &st) != 0) {
    const int err = errno;
    ::close(raw);
    return refuse(RT_FAILED, "cannot stat " + decision.resolved + ": " + std::strerror(err));
  }
  const bool reading = (access & RT_ACCESS_WRITE) == 0;
  if (is_link_to_protected(st, protected_, rules_.readable_exceptions, reading)) {
    ::close(raw);
    return refuse(
        RT_DENIED,
        decision.resolved + " is a hard link to a protected file: Runtimo never reads or writes it",
        "protected paths are listed in the config under paths.protected");
  }
  if ((open_flags & O_TRUNC) != 0 && S_ISREG(st.st_mode) && ::ftruncate(raw, 0) != 0) {
    const int err = errno;
    ::close(raw);
    return refuse(RT_FAILED, "cannot truncate " + decision.resolved + ": " + std::strerror(err));
  }
  *fd = raw;
  return decision;
}

}  // namespace runtimo::policy
