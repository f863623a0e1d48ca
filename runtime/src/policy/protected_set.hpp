// policy/protected_set.hpp — the files the path policy never reads nor writes, and how a path is
// matched against them.
//
// Owns three kinds of rules, each with its own readable exceptions (basename patterns that may
// still be read, never written, when the rule matches the file itself):
//   * path rules — an absolute fnmatch(3) pattern (FNM_PATHNAME); a path is protected when it
//     or one of its ancestors matches, so a protected directory protects its whole subtree;
//   * home rules — a pattern relative to a home directory, applied below every home the set
//     was built with (each passwd home, /root and the runtime user's home);
//   * name rules — a pattern for the last component of any path (".env" anywhere).
// Exceptions belong to the rule that declares them: the configured paths.readable_exceptions
// are attached to the configured rules only, so they can never open a built-in rule.
//
// Where the literal directories of a rule are symlinks (~/.aws linked into a dotfiles
// repository, ~/.netrc linked elsewhere, a symlinked home), the rule is also added for the
// resolved location, so the target is protected under its own name too. This is looked at once,
// when the rule is added, and only for absolute rules and for homes marked follow_links (homes
// their user owns: a system account's home such as /usr/sbin or / holds no dotfiles to follow,
// and looking would cost every start-up a dozen system calls per account).
//
// Matching is cheap: a rule is only tried when the path starts with the rule's literal prefix
// (what comes before its first glob character), so most rules cost a string comparison.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::policy {

struct ProtectedRule {
  std::string pattern;                // see the kinds above
  std::vector<std::string> readable;  // basename patterns readable despite the rule
  bool builtin = true;                // false for the rules of paths.protected
  std::string prefix;                 // the pattern up to its first glob character
};

struct Home {
  std::string dir;            // absolute
  bool follow_links = false;  // also protect where symlinks on the rules' paths lead
};

// An absolute pattern the hard-link guard can expand with glob(3), and the rule it comes from.
struct ExpandablePattern {
  std::string pattern;
  const ProtectedRule *rule = nullptr;
};

class ProtectedSet {
 public:
  // `homes` get the home rules (duplicates and relative entries are ignored).
  explicit ProtectedSet(const std::vector<Home> &homes);

  void add_path(std::string pattern, std::vector<std::string> readable, bool builtin);
  void add_in_homes(const std::string &relative, std::vector<std::string> readable);
  void add_name(std::string pattern, std::vector<std::string> readable);

  // The rule that protects `path` (absolute, normalised) for this access, or nullptr.
  const ProtectedRule *match(std::string_view path, bool reading) const;

  // Every path rule, and every home rule below the followed homes, as an absolute pattern
  // (name rules cannot be expanded; a home its user does not own, such as /usr/sbin for
  // daemon, holds no credential files of that user's making).
  std::vector<ExpandablePattern> expandable() const;

 private:
  // When the literal part of `absolute` (its components before the first with a glob
  // character) passes through a symlink at or after offset `from`, a path rule for the
  // resolved location, with the readable exceptions and origin of `rule`.
  void add_resolved_variant(const std::string &absolute, std::size_t from,
                            const ProtectedRule &rule);

  std::vector<Home> homes_;                // normalised; followed homes also resolved
  std::vector<ProtectedRule> path_rules_;  // absolute patterns
  std::vector<ProtectedRule> home_rules_;  // patterns relative to each home
  std::vector<ProtectedRule> name_rules_;  // patterns for the last component
  // lstat(2) answers while rules are added (0 = absent): the rules share most directories
  // (/etc, /proc, ~/.config), and on a virtual machine each system call costs microseconds.
  std::map<std::string, mode_t> looked_at_;
};

}  // namespace runtimo::policy
