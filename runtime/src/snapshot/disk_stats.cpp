// snapshot/disk_stats.cpp — statvfs per distinct filesystem; mount points from mountinfo.
#include "snapshot/disk_stats.hpp"

#include "snapshot/proc_files.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace runtimo::snapshot {
namespace {

// Decodes the octal escapes mountinfo uses for space, tab, newline and backslash.
std::string unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string_view oct = field.substr(i + 1, 3);
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(oct.data(), oct.data() + oct.size(), value, 8);
      if (ec == std::errc{} && end == oct.data() + 3 && value < 256) {
        out += static_cast<char>(value);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

bool is_within(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return !path.empty() && path[0] == '/';
  return path.size() >= prefix.size() && path.substr(0, prefix.size()) == prefix &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string normalised(const std::string &path) {
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? std::filesystem::path(path).lexically_normal().string() : canonical.string();
}

}  // namespace

double disk_used_pct(std::uint64_t total, std::uint64_t free, std::uint64_t available) {
  const std::uint64_t used = total >= free ? total - free : 0;
  const std::uint64_t base = used + available;
  return base == 0 ? 0.0 : static_cast<double>(used) * 100.0 / static_cast<double>(base);
}

std::vector<MountEntry> parse_mountinfo(std::string_view text) {
  // "36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/root rw,errors=continue":
  // the mount point is field 5, the type the first field after the "-" separator.
  std::vector<MountEntry> out;
  std::size_t pos = 0;
  while (const auto line = next_line(text, &pos)) {
    std::size_t fpos = 0;
    std::string_view f[5];
    for (auto &field : f) field = next_field(*line, &fpos);
    if (f[4].empty()) continue;
    std::string_view type;
    for (std::string_view x = next_field(*line, &fpos); !x.empty(); x = next_field(*line, &fpos)) {
      if (x == "-") {
        type = next_field(*line, &fpos);
        break;
      }
    }
    out.push_back(MountEntry{unescape(f[4]), std::string(type)});
  }
  return out;
}

const MountEntry *find_mount(const std::vector<MountEntry> &mounts, std::string_view path) {
  const MountEntry *best = nullptr;
  for (const MountEntry &m : mounts) {
    if (!is_within(path, m.mount_point)) continue;
    if (best == nullptr || m.mount_point.size() >= best->mount_point.size()) best = &m;
  }
  return best;
}

namespace {

// The path itself, or its nearest existing ancestor: a directory not created yet (a home
// opened only to read) will live on the filesystem of its parent.
std::string existing_part(const std::string &path) {
  std::string p = path;
  struct stat st {};
  while (p.size() > 1 && ::stat(p.c_str(), &st) != 0 && errno == ENOENT) {
    const std::size_t slash = p.find_last_of('/');
    p = slash == 0 || slash == std::string::npos ? std::string("/") : p.substr(0, slash);
  }
  return p;
}

}  // namespace

std::vector<DiskUsage> read_disk_usage(const std::vector<std::string> &paths,
                                       std::string &storage) {
  std::vector<DiskUsage> out;
  std::vector<std::string> all{"/"};
  all.insert(all.end(), paths.begin(), paths.end());
  std::vector<MountEntry> mounts;
  bool mounts_read = false;
  for (const std::string &path : all) {
    if (path.empty()) continue;
    const std::string measured = existing_part(path);
    struct stat st {};
    struct statvfs vfs {};
    if (::stat(measured.c_str(), &st) != 0 || ::statvfs(measured.c_str(), &vfs) != 0) {
      DiskUsage d;
      d.path = path;
      d.paths = {path};
      d.error = std::strerror(errno);
      out.push_back(std::move(d));
      continue;
    }
    bool merged = false;
    for (DiskUsage &d : out) {
      if (d.error.empty() && d.device == st.st_dev) {
        if (std::find(d.paths.begin(), d.paths.end(), path) == d.paths.end())
          d.paths.push_back(path);
        merged = true;
        break;
      }
    }
    if (merged) continue;
    DiskUsage d;
    d.path = path;
    d.paths = {path};
    d.device = st.st_dev;
    const std::uint64_t unit = vfs.f_frsize != 0 ? vfs.f_frsize : vfs.f_bsize;
    d.total_bytes = static_cast<std::uint64_t>(vfs.f_blocks) * unit;
    d.free_bytes = static_cast<std::uint64_t>(vfs.f_bfree) * unit;
    d.available_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * unit;
    d.inodes_total = vfs.f_files;
    d.inodes_free = vfs.f_ffree;
    d.used_pct = disk_used_pct(d.total_bytes, d.free_bytes, d.available_bytes);
    if (!mounts_read) {
      mounts_read = true;
      if (const auto text = read_file("/proc/self/mountinfo", storage))
        mounts = parse_mountinfo(*text);
    }
    if (const MountEntry *m = find_mount(mounts, normalised(measured))) {
      d.mount_point = m->mount_point;
      d.fs_type = m->fs_type;
    }
    out.push_back(std::move(d));
  }
  return out;
}

double free_pct(const char *path) {
  struct statvfs vfs {};
  // The path itself first (one syscall); only a path that does not exist yet is walked up.
  if ((::statvfs(path, &vfs) != 0 && ::statvfs(existing_part(path).c_str(), &vfs) != 0) || vfs.f_blocks == 0)
    return -1;
  const std::uint64_t unit = vfs.f_frsize != 0 ? vfs.f_frsize : vfs.f_bsize;
  return 100.0 - disk_used_pct(vfs.f_blocks * unit, vfs.f_bfree * unit, vfs.f_bavail * unit);
}

}  // namespace runtimo::snapshot
