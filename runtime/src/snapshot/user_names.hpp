// snapshot/user_names.hpp — uid → user name for the process snapshot.
//
// Owns a small cache over getpwuid_r, so a scan of hundreds of processes asks NSS once per
// distinct uid. A uid without a passwd entry is shown as its number. Not thread-safe: each
// ProcessSampler owns one and uses it under its own lock.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace runtimo::snapshot {

class UserNames {
 public:
  const std::string &name(std::uint32_t uid);

 private:
  // Bounded: a machine with more distinct uids than this starts over rather than growing.
  static constexpr std::size_t kMaxEntries = 4096;
  std::unordered_map<std::uint32_t, std::string> cache_;
};

}  // namespace runtimo::snapshot
