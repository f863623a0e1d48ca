// policy/hardlink_guard.cpp — see hardlink_guard.hpp.
#include "policy/hardlink_guard.hpp"

#include "policy/path_patterns.hpp"

#include <glob.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace runtimo::policy {
namespace {

constexpr int kMaxWalkedEntries = 10000;  // bounds the walk of a protected directory

bool same_inode(const struct stat &a, const struct stat &b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// True when a file below the directory `dir` is `file`.
bool inside(const std::string &dir, const struct stat &file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (int seen = 0; !ec && it != fs::recursive_directory_iterator() && seen < kMaxWalkedEntries;
       it.increment(ec), ++seen) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode) && same_inode(st, file))
      return true;
  }
  return false;
}

}  // namespace

bool is_link_to_protected(const struct stat &file, std::initializer_list<const ProtectedSet *> sets,
                          bool reading) {
  if (!S_ISREG(file.st_mode) || file.st_nlink <= 1) return false;
  std::vector<ExpandablePattern> patterns;
  for (const ProtectedSet *set : sets)
    for (ExpandablePattern &p : set->expandable()) patterns.push_back(std::move(p));
  std::map<std::string, bool> same_filesystem;  // literal directory → worth a glob
  for (const ExpandablePattern &p : patterns) {
    const std::size_t length = literal_length(p.pattern);
    const std::string literal = length == 0 ? std::string(1, '/') : p.pattern.substr(0, length);
    auto [known, fresh] = same_filesystem.try_emplace(literal, false);
    if (fresh) {
      struct stat st {};
      known->second = ::stat(literal.c_str(), &st) == 0 && st.st_dev == file.st_dev;
    }
    if (!known->second) continue;

    glob_t matches{};
    bool same = false;
    if (::glob(p.pattern.c_str(), GLOB_NOSORT, nullptr, &matches) == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc && !same; ++i) {
        const char *candidate = matches.gl_pathv[i];
        if (reading && basename_matches(candidate, p.rule->readable)) continue;
        struct stat st {};
        if (::stat(candidate, &st) != 0) continue;
        same = S_ISDIR(st.st_mode) ? inside(candidate, file) : same_inode(st, file);
      }
    }
    ::globfree(&matches);
    if (same) return true;
  }
  return false;
}

}  // namespace runtimo::policy
