// snapshot/disk_stats.hpp — space on the filesystems holding given paths (statvfs), with the
// mount point and filesystem type from /proc/self/mountinfo.
//
// Owns: one statvfs per distinct filesystem (paths on the same device are reported once, the
// entry listing every path that led to it), the df-style used percentage, and mountinfo
// parsing (octal escapes such as "\040" for a space decoded).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::snapshot {

struct DiskUsage {
  std::string path;                // the first path asked for that lies on this filesystem
  std::vector<std::string> paths;  // every path asked for that lies on it
  std::string mount_point;         // empty when not found in mountinfo
  std::string fs_type;
  std::uint64_t total_bytes = 0;
  std::uint64_t free_bytes = 0;       // free for root
  std::uint64_t available_bytes = 0;  // free for unprivileged users
  std::uint64_t inodes_total = 0;
  std::uint64_t inodes_free = 0;
  double used_pct = 0;  // as df: used / (used + available) × 100
  dev_t device = 0;
  std::string error;  // set (and the numbers zero) when the path could not be examined
};

// The df-style percentage: used = total - free; used / (used + available) × 100.
double disk_used_pct(std::uint64_t total, std::uint64_t free, std::uint64_t available);

struct MountEntry {
  std::string mount_point;
  std::string fs_type;
};
// The mounts of a /proc/<pid>/mountinfo text, in file order.
std::vector<MountEntry> parse_mountinfo(std::string_view text);
// The entry whose mount point is the longest whole-component prefix of `path` (absolute,
// normalised); the later one among equals (it is the one mounted on top). nullptr if none.
const MountEntry *find_mount(const std::vector<MountEntry> &mounts, std::string_view path);

// "/" first, then `paths`; deduplicated by device. `storage` is a reusable read buffer.
std::vector<DiskUsage> read_disk_usage(const std::vector<std::string> &paths, std::string &storage);

// Free space of one path's filesystem for unprivileged users, 100 − disk_used_pct (so
// "free" and "used" agree with df); −1 when it cannot be read.
double free_pct(const char *path);

}  // namespace runtimo::snapshot
