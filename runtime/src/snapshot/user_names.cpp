// snapshot/user_names.cpp — getpwuid_r with a cache.
#include "snapshot/user_names.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace runtimo::snapshot {
namespace {

std::string lookup(std::uint32_t uid) {
  long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<std::size_t>(hint) : 1024);
  for (;;) {
    struct passwd pw {};
    struct passwd *found = nullptr;
    const int rc = ::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc == 0 && found != nullptr && found->pw_name != nullptr) return found->pw_name;
    return std::to_string(uid);
  }
}

}  // namespace

const std::string &UserNames::name(std::uint32_t uid) {
  if (const auto it = cache_.find(uid); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxEntries) cache_.clear();
  return cache_.emplace(uid, lookup(uid)).first->second;
}

}  // namespace runtimo::snapshot
