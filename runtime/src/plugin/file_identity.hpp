// plugin/file_identity.hpp — which version of a plugin file the host is looking at.
//
// Owns: the identity the probe cache keys verdicts by — device, inode, size, and the
// modification and status-change times in nanoseconds. Rewriting, replacing (a new inode),
// touching, chmod or chown all change it; ctime cannot be set back by a user, so a file cannot
// be made to look like the one that passed. Taken from the stat() the permission check does
// anyway, so knowing it costs nothing.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

namespace runtimo::plugin {

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  static FileIdentity of(const struct stat &st);
  // "dev:ino:size:mtime_ns:ctime_ns", the cache key.
  std::string key() const;
  bool operator==(const FileIdentity &) const = default;
};

}  // namespace runtimo::plugin
