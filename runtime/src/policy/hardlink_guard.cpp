// policy/hardlink_guard.cpp — see hardlink_guard.hpp.
#include "policy/hardlink_guard.hpp"

#include "policy/path_patterns.hpp"

#include <glob.h>

namespace runtimo::policy {

bool is_link_to_protected(const struct stat &opened, const std::vector<std::string> &patterns,
                          const std::vector<std::string> &readable_exceptions, bool reading) {
  if (!S_ISREG(opened.st_mode) || opened.st_nlink <= 1) return false;
  for (const std::string &pattern : patterns) {
    glob_t matches{};
    const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &matches);
    bool same = false;
    if (rc == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc && !same; ++i) {
        const char *candidate = matches.gl_pathv[i];
        if (reading && basename_matches(candidate, readable_exceptions)) continue;
        struct stat st {};
        same =
            ::stat(candidate, &st) == 0 && st.st_dev == opened.st_dev && st.st_ino == opened.st_ino;
      }
    }
    ::globfree(&matches);
    if (same) return true;
  }
  return false;
}

}  // namespace runtimo::policy
