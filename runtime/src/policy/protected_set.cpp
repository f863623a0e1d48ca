// policy/protected_set.cpp — see protected_set.hpp. A home's rules are only tried for paths
// inside that home, and a rule only for paths that start with its literal prefix.
#include "policy/protected_set.hpp"

#include "policy/path_patterns.hpp"
#include "policy/path_resolution.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>

namespace runtimo::policy {
namespace {

// Does `rule` protect `subject` (an absolute path, or a path relative to a home)? The pattern
// is tried on the subject and on each of its ancestors; the rule's readable exceptions apply
// only where the subject itself matches, never to what lies below a protected directory.
bool protects(const ProtectedRule &rule, std::string_view subject, bool reading) {
  // A matching ancestor starts with the prefix, and so does the subject it is a prefix of.
  if (subject.substr(0, rule.prefix.size()) != rule.prefix) return false;
  std::string candidate(subject);
  for (bool leaf = true; candidate.size() >= rule.prefix.size(); leaf = false) {
    if (::fnmatch(rule.pattern.c_str(), candidate.c_str(), FNM_PATHNAME) == 0 &&
        !(leaf && reading && basename_matches(candidate, rule.readable)))
      return true;
    const std::size_t slash = candidate.rfind('/');
    if (slash == std::string::npos || candidate == "/") return false;
    candidate.resize(slash == 0 ? 1 : slash);
  }
  return false;
}

ProtectedRule make_rule(std::string pattern, std::vector<std::string> readable, bool builtin) {
  std::string prefix = pattern.substr(0, pattern.find_first_of("*?[\\"));
  return ProtectedRule{std::move(pattern), std::move(readable), builtin, std::move(prefix)};
}

std::string joined(const std::string &home, const std::string &relative) {
  return home == "/" ? "/" + relative : home + "/" + relative;
}

}  // namespace

ProtectedSet::ProtectedSet(const std::vector<Home> &homes) {
  const auto add = [this](Home home) {
    for (Home &known : homes_)
      if (known.dir == home.dir) {
        known.follow_links = known.follow_links || home.follow_links;
        return;
      }
    homes_.push_back(std::move(home));
  };
  for (const Home &home : homes) {
    if (home.dir.empty() || home.dir.front() != '/') continue;
    const std::string normal = lexically_normal(home.dir);
    add(Home{normal, home.follow_links});
    if (!home.follow_links) continue;
    const Resolution resolved = resolve_path(normal);
    if (resolved.ok() && resolved.path != normal) add(Home{resolved.path, true});
  }
}

void ProtectedSet::add_resolved_variant(const std::string &absolute, std::size_t from,
                                        const ProtectedRule &rule) {
  const std::size_t end = literal_length(absolute);
  if (end <= from) return;
  // Only a symlink among the literal components moves the rule's files elsewhere; lstat finds
  // one without resolving anything (most of them do not exist at all).
  bool linked = false;
  for (std::size_t pos = from + 1; pos <= end && !linked;) {
    const std::size_t slash = std::min(absolute.find('/', pos), end);
    auto [known, fresh] = looked_at_.try_emplace(absolute.substr(0, slash), 0);
    if (fresh) {
      struct stat st {};
      if (::lstat(known->first.c_str(), &st) == 0) known->second = st.st_mode;
    }
    if (known->second == 0) return;
    linked = S_ISLNK(known->second);
    pos = slash + 1;
  }
  if (!linked) return;
  const std::string literal = absolute.substr(0, end);
  const Resolution r = resolve_path(literal);
  if (!r.ok() || r.path == literal) return;
  path_rules_.push_back(make_rule(r.path + absolute.substr(end), rule.readable, rule.builtin));
}

void ProtectedSet::add_path(std::string pattern, std::vector<std::string> readable, bool builtin) {
  path_rules_.push_back(make_rule(std::move(pattern), std::move(readable), builtin));
  const ProtectedRule rule = path_rules_.back();
  add_resolved_variant(rule.pattern, 0, rule);
}

void ProtectedSet::add_in_homes(const std::string &relative, std::vector<std::string> readable) {
  home_rules_.push_back(make_rule(relative, std::move(readable), true));
  const ProtectedRule rule = home_rules_.back();
  for (const Home &home : homes_) {
    if (!home.follow_links) continue;
    add_resolved_variant(joined(home.dir, relative), home.dir == "/" ? 0 : home.dir.size(), rule);
  }
}

void ProtectedSet::add_name(std::string pattern, std::vector<std::string> readable) {
  name_rules_.push_back(make_rule(std::move(pattern), std::move(readable), true));
}

const ProtectedRule *ProtectedSet::match(std::string_view path, bool reading) const {
  for (const ProtectedRule &rule : path_rules_)
    if (protects(rule, path, reading)) return &rule;
  for (const Home &home : homes_) {
    if (path.size() <= home.dir.size() || !is_within(path, home.dir)) continue;
    const std::string_view relative = path.substr(home.dir == "/" ? 1 : home.dir.size() + 1);
    for (const ProtectedRule &rule : home_rules_)
      if (protects(rule, relative, reading)) return &rule;
  }
  const std::size_t slash = path.rfind('/');
  const std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  for (const ProtectedRule &rule : name_rules_)
    if (base.compare(0, rule.prefix.size(), rule.prefix) == 0 &&
        ::fnmatch(rule.pattern.c_str(), base.c_str(), 0) == 0 &&
        !(reading && basename_matches(base, rule.readable)))
      return &rule;
  return nullptr;
}

std::vector<ExpandablePattern> ProtectedSet::expandable() const {
  std::vector<ExpandablePattern> out;
  for (const ProtectedRule &rule : path_rules_) out.push_back({rule.pattern, &rule});
  for (const Home &home : homes_)
    if (home.follow_links)
      for (const ProtectedRule &rule : home_rules_)
        out.push_back({joined(home.dir, rule.pattern), &rule});
  return out;
}

}  // namespace runtimo::policy
