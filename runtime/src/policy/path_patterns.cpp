// policy/path_patterns.cpp — see path_patterns.hpp.
#include "policy/path_patterns.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace runtimo::policy {

std::string expand_home(std::string_view entry, const std::filesystem::path &home) {
  if (entry.empty() || entry.front() != '~') return std::string(entry);
  if (entry.size() > 1 && entry[1] != '/') return std::string(entry);  // "~user" stays literal
  if (home.empty()) return {};
  std::string out = home.string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  std::string_view rest = entry.substr(1);
  if (out == "/" && !rest.empty()) rest.remove_prefix(1);
  out += rest;
  return out;
}

bool is_within(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return !path.empty() && path.front() == '/';
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool basename_matches(std::string_view path, const std::vector<std::string> &patterns) {
  const std::size_t slash = path.rfind('/');
  const std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  if (base.empty()) return false;
  for (const std::string &pattern : patterns)
    if (::fnmatch(pattern.c_str(), base.c_str(), 0) == 0) return true;
  return false;
}

std::size_t literal_length(std::string_view pattern) {
  std::size_t end = 0;
  for (std::size_t pos = 1; pos <= pattern.size();) {
    const std::size_t slash = std::min(pattern.find('/', pos), pattern.size());
    if (pattern.substr(pos, slash - pos).find_first_of("*?[\\") != std::string_view::npos)
      return end;
    end = slash;
    pos = slash + 1;
  }
  return end;
}

}  // namespace runtimo::policy
