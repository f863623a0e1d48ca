// backup/known_digests.hpp — the digests of files a job's host already knows because it just
// copied or wrote their bytes, so a job does not read a file again to learn what it holds: a
// 1 GiB append reads the file once (its pre-image copy), not four times.
//
// An entry is the file's digest (and the SHA-256 state it ends, so an append can continue it)
// with the stamp of the file it describes: device, inode, size, mtime and ctime in
// nanoseconds, taken when the host had the bytes. It is used only while the file's stamp is the
// same. What changes a file through the host replaces or drops its entry; a path handed to a
// plugin to change by other means (rt_host_api.backup, a spawned command) is distrusted for the
// rest of the job: never remembered again, and neither is anything below it.
//
// Residual risk, stated: a change by another process, within one timestamp tick of the
// host's own write, that keeps the size, is not seen (ctime is as coarse as the filesystem's
// clock; 4 ms on ext4 without multigrain timestamps). A stale entry can only make a job's
// recorded after-state differ from the file, which undo reports as a conflict.
#pragma once

#include "backup/file_digest.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace runtimo::backup {

// What identifies a file's content without reading it, as far as stat can.
struct ContentStamp {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  static ContentStamp of(const struct stat &st);
  bool operator==(const ContentStamp &) const = default;
};

// A file's content as the host had it: its stamp and digest state.
struct KnownContent {
  ContentStamp stamp;
  Sha256Stream digest;
};

class KnownDigests {
 public:
  // Remembers `content` for `path` unless the path (or a directory above it) is distrusted.
  void remember(const std::filesystem::path &path, KnownContent content);
  // The entry for `path` when `now` (its stat) is the stamp it was remembered with.
  const KnownContent *find(const std::filesystem::path &path, const struct stat &now) const;
  // Forgets `path` and everything below it (removed, renamed, restored).
  void forget(const std::filesystem::path &path);
  // Forgets `path` and everything below it, and remembers nothing there again.
  void distrust(const std::filesystem::path &path);
  // Forgets everything and remembers nothing again (a command that may change any file).
  void distrust_all();

 private:
  bool distrusted(const std::string &path) const;

  std::map<std::string, KnownContent> known_;
  std::vector<std::string> distrusted_;
  bool all_distrusted_ = false;
};

}  // namespace runtimo::backup
