// policy/path_policy.cpp — the one path policy (see path_policy.hpp). The order of a check:
// argument checks → absolute path → resolution → protected set (on the path as given,
// lexically normalised, and on the resolved path; each rule's readable exceptions only for
// reads) → write prefixes (for writes) and read prefixes (for reads, when configured), compared
// with the resolved path by whole components. open() adds the symlink-free open, judges the
// file's type and the hard-link guard on its O_PATH descriptor before opening it for I/O, and
// performs O_TRUNC itself only after that, so a hard link to a protected file cannot be
// truncated by the open that is then refused.
#include "policy/path_policy.hpp"

#include "policy/builtin_protected.hpp"
#include "policy/hardlink_guard.hpp"
#include "policy/no_follow_open.hpp"
#include "policy/path_patterns.hpp"
#include "policy/path_resolution.hpp"
#include "policy/protected_set.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace runtimo::policy {
namespace {

constexpr std::uint32_t kKnownAccess = RT_ACCESS_READ | RT_ACCESS_WRITE | RT_ACCESS_ENTRY;

// The path with its parent resolved and its last component kept as it is (RT_ACCESS_ENTRY).
Resolution resolve_entry(const std::string &absolute) {
  const std::string normal = lexically_normal(absolute);
  const auto slash = normal.find_last_of('/');
  const std::string name = normal.substr(slash + 1);
  if (name.empty()) {
    Resolution r;
    r.status = RT_INVALID_ARGS;
    r.message = "/ is not a directory entry";
    return r;
  }
  Resolution parent = resolve_path(slash == 0 ? std::string("/") : normal.substr(0, slash));
  if (!parent.ok()) return parent;
  parent.path = (parent.path == "/" ? "" : parent.path) + "/" + name;
  return parent;
}

// A configured entry, "~" expanded; empty when it needs a home and none is known (such an
// entry cannot match anything). A relative entry is a configuration error.
std::string configured_entry(const std::string &entry, const std::filesystem::path &home,
                             const char *key) {
  std::string expanded = expand_home(entry, home);
  if (expanded.empty()) return expanded;
  if (expanded.front() != '/')
    throw RuleError(std::string(key) + " entry \"" + entry + "\" is not an absolute path",
                    "give an absolute path; \"~/...\" means the home of Runtimo's user");
  return expanded;
}

// The prefixes "~" expanded, normalised and resolved. A write prefix of "/" would let jobs
// write anywhere (the protected set aside), so `writes` refuses one.
std::vector<std::filesystem::path> resolved_prefixes(const std::vector<std::string> &entries,
                                                     const std::filesystem::path &home,
                                                     const char *key, bool writes) {
  std::vector<std::filesystem::path> out;
  for (const std::string &entry : entries) {
    const std::string expanded = configured_entry(entry, home, key);
    if (expanded.empty()) continue;
    const std::string normal = lexically_normal(expanded);
    const Resolution r = resolve_path(normal);
    out.emplace_back(r.ok() ? r.path : normal);
    if (writes && out.back() == "/")
      throw RuleError("write prefix \"" + entry + "\" resolves to /: jobs could write anywhere",
                      "list only the directories jobs may write (e.g. /srv/app, ~/work) in "
                      "paths.write_prefixes or RUNTIMO_ALLOWED_PATHS");
  }
  return out;
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

const char *kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a regular file";
}

// Regular files only — directories only, when the flags ask for one. Anything else was never
// opened, and the message says why it must not be.
PathDecision refuse_file_type(const std::string &path, const struct stat &st, int flags) {
  const bool want_directory = (flags & O_DIRECTORY) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
  if (want_directory ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) return {};
  const std::string what = path + " is " + kind_of(st.st_mode) + ": ";
  if (want_directory)
    return PathDecision::refused(RT_INVALID_ARGS, what + "a directory was asked for",
                                 "give a directory");
  if (S_ISFIFO(st.st_mode))
    return PathDecision::refused(
        RT_INVALID_ARGS, what + "Runtimo opens only regular files, and did not open it",
        "opening a FIFO would wake the process waiting at its other end; read what "
        "it carries with a capability made for pipes, not as a file");
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    return PathDecision::refused(
        RT_INVALID_ARGS, what + "Runtimo opens only regular files, and did not open it",
        "opening a device can act on the hardware (opening /dev/watchdog arms a "
        "reboot), so devices are never opened");
  if (S_ISDIR(st.st_mode))
    return PathDecision::refused(RT_INVALID_ARGS, what + "Runtimo opens only regular files",
                                 "give the path of a file in it");
  return PathDecision::refused(RT_INVALID_ARGS,
                               what + "Runtimo opens only regular files, and did not open it",
                               "give the path of a regular file");
}

std::string protected_hint(const ProtectedRule &rule) {
  return rule.builtin ? "it is in Runtimo's built-in protected set (keys, credentials, secrets "
                        "of processes), which no configuration can reduce"
                      : "protected paths are listed in the config under paths.protected";
}

}  // namespace

struct PathPolicy::Protection {
  std::once_flag built;
  std::shared_ptr<const ProtectedSet> builtin;  // shared by every policy of the process
  std::unique_ptr<ProtectedSet> added;  // paths.protected, and the built-in credential rules
                                        // for a home passwd does not list
  void build(const PathRules &rules, const std::vector<std::string> &added_patterns) {
    builtin = builtin_set();
    std::vector<Home> unlisted;
    const std::string home =
        rules.home.empty() ? std::string() : lexically_normal(rules.home.string());
    const auto &listed = passwd_homes();
    if (!home.empty() &&
        std::none_of(listed.begin(), listed.end(), [&](const Home &h) { return h.dir == home; }))
      unlisted.push_back(Home{home, true});
    added = std::make_unique<ProtectedSet>(unlisted);
    add_builtin_home_rules(*added);
    for (const std::string &pattern : added_patterns)
      added->add_path(pattern, rules.readable_exceptions, false);
  }
};

PathPolicy::PathPolicy(PathRules rules)
    : rules_(std::move(rules)), protection_(std::make_unique<Protection>()) {
  write_prefixes_ =
      resolved_prefixes(rules_.write_prefixes, rules_.home, "paths.write_prefixes", true);
  read_prefixes_ =
      resolved_prefixes(rules_.read_prefixes, rules_.home, "paths.read_prefixes", false);
  for (const std::string &entry : rules_.protected_patterns) {
    std::string expanded = configured_entry(entry, rules_.home, "paths.protected");
    if (!expanded.empty()) added_patterns_.push_back(std::move(expanded));
  }
}

PathPolicy::~PathPolicy() = default;
PathPolicy::PathPolicy(PathPolicy &&) noexcept = default;

const ProtectedRule *PathPolicy::protected_by(std::string_view path, bool reading) const {
  Protection &p = *protection_;
  std::call_once(p.built, [&] { p.build(rules_, added_patterns_); });
  if (const ProtectedRule *rule = p.builtin->match(path, reading)) return rule;
  return p.added->match(path, reading);
}

PathDecision PathPolicy::check(std::string_view path, std::uint32_t access,
                               const std::filesystem::path &working_dir) const {
  if ((access & (RT_ACCESS_READ | RT_ACCESS_WRITE)) == 0 || (access & ~kKnownAccess) != 0)
    return PathDecision::refused(
        RT_INVALID_ARGS, "access " + std::to_string(access) +
                             " is not RT_ACCESS_READ, RT_ACCESS_WRITE or both (with RT_ACCESS_ENTRY or not)");
  const Resolution absolute = absolute_path(path, working_dir);
  if (!absolute.ok())
    return PathDecision::refused(absolute.status, absolute.message, absolute.hint);
  const std::string given = lexically_normal(absolute.path);
  const Resolution resolved = (access & RT_ACCESS_ENTRY) != 0 ? resolve_entry(absolute.path) : resolve_path(absolute.path);
  if (!resolved.ok())
    return PathDecision::refused(resolved.status, resolved.message, resolved.hint);

  const bool writing = (access & RT_ACCESS_WRITE) != 0;
  for (const std::string *candidate : {&given, &resolved.path}) {
    const ProtectedRule *rule = protected_by(*candidate, !writing);
    if (rule == nullptr) continue;
    const std::string what =
        given == resolved.path ? given : given + " resolves to " + resolved.path + ", which";
    return PathDecision::refused(
        RT_DENIED, what + " is protected: Runtimo never reads or writes it", protected_hint(*rule));
  }

  const std::string named =
      given == resolved.path ? resolved.path : resolved.path + " (" + given + " resolves to it)";
  if (writing && !within_any(resolved.path, write_prefixes_)) {
    const std::string allowed = write_prefixes_.empty()
                                    ? "no directory is writable"
                                    : "writes are allowed under " + listed(write_prefixes_);
    return PathDecision::refused(
        RT_DENIED, named + " is outside the directories Runtimo may write",
        allowed +
            "; to allow another directory, add it to RUNTIMO_ALLOWED_PATHS or "
            "to paths.write_prefixes in the config");
  }
  if ((access & RT_ACCESS_READ) != 0 && !read_prefixes_.empty() &&
      !within_any(resolved.path, read_prefixes_)) {
    return PathDecision::refused(
        RT_DENIED, named + " is outside the directories Runtimo may read",
        "reads are allowed under " + listed(read_prefixes_) +
            "; to allow another directory, add it to paths.read_prefixes in the config");
  }

  PathDecision ok;
  ok.resolved = resolved.path;
  return ok;
}

PathDecision PathPolicy::open(std::string_view path, std::uint32_t access, int open_flags,
                              const std::filesystem::path &working_dir, int *fd) const {
  if (fd == nullptr)
    return PathDecision::refused(RT_INVALID_ARGS, "open: no place for the file descriptor");
  *fd = -1;
  PathDecision decision = check(path, access, working_dir);
  if (!decision.ok()) return decision;
  if (flags_write(open_flags) && (access & RT_ACCESS_WRITE) == 0)
    return PathDecision::refused(
        RT_INVALID_ARGS,
        "open flags ask to write " + decision.resolved + " but only read access was checked",
        "ask for RT_ACCESS_WRITE to open for writing");

  const bool reading = (access & RT_ACCESS_WRITE) == 0;
  const auto inspect = [&](const struct stat &st) {
    if (PathDecision d = refuse_file_type(decision.resolved, st, open_flags); !d.ok()) return d;
    if (is_link_to_protected(st, {protection_->builtin.get(), protection_->added.get()}, reading))
      return PathDecision::refused(
          RT_DENIED,
          decision.resolved +
              " is a hard link to a protected file: Runtimo never reads or writes it",
          "a protected file keeps its protection under every name");
    return PathDecision{};
  };
  int raw = -1;
  PathDecision opened = open_without_symlinks(decision.resolved, open_flags, inspect, &raw);
  if (!opened.ok()) return opened;
  if ((open_flags & O_TRUNC) != 0 && ::ftruncate(raw, 0) != 0) {
    const int err = errno;
    ::close(raw);
    return PathDecision::refused(
        RT_FAILED, "cannot truncate " + decision.resolved + ": " + std::strerror(err));
  }
  *fd = raw;
  return decision;
}

}  // namespace runtimo::policy
