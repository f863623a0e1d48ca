// backup/metadata_apply.cpp — see metadata_apply.hpp.
#include "backup/metadata_apply.hpp"

#include "backup/posix_file.hpp"
#include "backup/xattrs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace runtimo::backup {

namespace {

// chown's result: 0, or the errno unless it is a refusal a non-root process keeps going after.
void check_chown(int rc, const Metadata &m, const std::filesystem::path &shown) {
  if (rc == 0) return;
  if (::geteuid() != 0 && (errno == EPERM || errno == EINVAL)) return;
  throw_errno("set owner " + std::to_string(m.uid) + ":" + std::to_string(m.gid) + " of", shown,
              errno);
}

// {atime: left as it is, mtime: `ns`}.
void mtime_times(std::int64_t ns, struct timespec (&times)[2]) {
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1] = timespec_of_ns(ns);
}

}  // namespace

void apply_metadata(int fd, const Metadata &m, const std::filesystem::path &shown) {
  const struct stat st = stat_fd(fd, shown);
  if (st.st_uid != m.uid || st.st_gid != m.gid) check_chown(::fchown(fd, m.uid, m.gid), m, shown);
  if (::fchmod(fd, static_cast<mode_t>(m.mode & 07777)) != 0)
    throw_errno("set mode of", shown, errno);
  write_xattrs(XattrNode::open_fd(fd, shown), m.xattrs);
  struct timespec times[2];
  mtime_times(m.mtime_ns, times);
  if (::futimens(fd, times) != 0) throw_errno("set mtime of", shown, errno);
}

void set_mtime(int fd, std::int64_t mtime_ns, const std::filesystem::path &shown) {
  struct timespec times[2];
  mtime_times(mtime_ns, times);
  if (::futimens(fd, times) == 0 || (::geteuid() != 0 && (errno == EPERM || errno == EACCES))) return;
  throw_errno("set mtime of", shown, errno);
}

void apply_link_metadata(int dir_fd, const std::string &name, const Metadata &m,
                         const std::filesystem::path &shown) {
  const auto st = stat_entry(dir_fd, name, shown);
  if (!st || !S_ISLNK(st->st_mode)) {
    throw BackupError("cannot set metadata of " + shown.string() + ": it is no longer a symlink");
  }
  if (st->st_uid != m.uid || st->st_gid != m.gid) {
    check_chown(::fchownat(dir_fd, name.c_str(), m.uid, m.gid, AT_SYMLINK_NOFOLLOW), m, shown);
  }
  write_xattrs(XattrNode::link(dir_fd, name, shown), m.xattrs);
  struct timespec times[2];
  mtime_times(m.mtime_ns, times);
  if (::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    throw_errno("set mtime of", shown, errno);
  }
}

}  // namespace runtimo::backup
