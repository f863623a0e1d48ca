// policy/no_follow_open.cpp — see no_follow_open.hpp.
#include "policy/no_follow_open.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace runtimo::policy {
namespace {

// openat2(AT_FDCWD, path, {flags, mode, RESOLVE_NO_SYMLINKS}); on ENOSYS, open(2) with
// O_NOFOLLOW. -1 with errno on failure.
int open_no_symlinks(const std::string &path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(static_cast<unsigned>(flags));
  how.mode = mode;
  how.resolve = RESOLVE_NO_SYMLINKS;
  long fd = -1;
  do {
    fd = ::syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
  int got = -1;
  do {
    got = ::open(path.c_str(), flags | O_NOFOLLOW, mode);
  } while (got < 0 && errno == EINTR);
  return got;
}

// The caller's flags for the real open, without what was already decided or done, with what
// abi.h promises every descriptor has (O_NONBLOCK changes nothing for the regular files and
// directories that reach this open).
int real_flags(int flags) {
  return (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW | O_TRUNC | O_PATH)) | O_CLOEXEC | O_NOCTTY |
         O_NONBLOCK;
}

// Step 3: the inode of `path_fd` opened for I/O through its /proc/self/fd magic link.
int reopen(int path_fd, int flags) {
  const std::string link = "/proc/self/fd/" + std::to_string(path_fd);
  int fd = -1;
  do {
    fd = ::open(link.c_str(), real_flags(flags));
  } while (fd < 0 && errno == EINTR);
  return fd;
}

PathDecision ok(const std::string &resolved) {
  PathDecision d;
  d.resolved = resolved;
  return d;
}

PathDecision refusal(int err, const std::string &path) {
  PathDecision d;
  const std::string why = std::strerror(err);
  switch (err) {
    case ELOOP:
      d.status = RT_DENIED;
      d.message = "cannot open " + path +
                  ": a component of the path was replaced by a symlink after the check";
      d.hint = "the file tree changed while Runtimo was using it; check it and retry";
      break;
    case ENOENT:
      d.status = RT_NOT_FOUND;
      d.message = "cannot open " + path + ": " + why;
      d.hint = "check the path (a relative path is resolved against the job's working directory)";
      break;
    case EACCES:
    case EPERM:
      d.status = RT_DENIED;
      d.message = "cannot open " + path + ": " + why;
      d.hint = "the file's permissions do not allow Runtimo's user this access";
      break;
    default:
      d.status = RT_FAILED;
      d.message = "cannot open " + path + ": " + why;
      break;
  }
  return d;
}

// Steps 2 and 3 for the O_PATH descriptor `path_fd`, which this closes.
PathDecision judge_and_reopen(int path_fd, const std::string &resolved, int flags,
                              const InspectFile &inspect, int *fd) {
  struct stat st {};
  PathDecision d;
  if (::fstat(path_fd, &st) != 0)
    d = refusal(errno, resolved);
  else if (S_ISLNK(st.st_mode))  // O_PATH|O_NOFOLLOW names a final symlink instead of failing
    d = refusal(ELOOP, resolved);
  else if ((flags & O_CREAT) != 0 && (flags & O_EXCL) != 0)
    d = refusal(EEXIST, resolved);
  else
    d = inspect(st);
  if (d.ok()) {
    const int got = reopen(path_fd, flags);
    if (got >= 0) {
      *fd = got;
      d = ok(resolved);
    } else if (errno == ENOENT) {
      d.status = RT_FAILED;
      d.message = "cannot open " + resolved + ": /proc/self/fd is not available";
      d.hint = "Runtimo opens files through /proc/self/fd after checking them: mount /proc";
    } else {
      d = refusal(errno, resolved);
    }
  }
  ::close(path_fd);
  return d;
}

}  // namespace

PathDecision open_without_symlinks(const std::string &resolved, int open_flags,
                                   const InspectFile &inspect, int *fd) {
  *fd = -1;
  // Twice at most: a file that appears between the O_PATH open and an exclusive create is
  // judged like any other.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int path_fd = open_no_symlinks(resolved, O_PATH | O_CLOEXEC, 0);
    if (path_fd >= 0) return judge_and_reopen(path_fd, resolved, open_flags, inspect, fd);
    const int err = errno;
    if (err != ENOENT || (open_flags & O_CREAT) == 0) return refusal(err, resolved);
    const int created = open_no_symlinks(resolved, real_flags(open_flags) | O_CREAT | O_EXCL, 0600);
    if (created >= 0) {
      *fd = created;
      return ok(resolved);
    }
    if (errno != EEXIST || (open_flags & O_EXCL) != 0) return refusal(errno, resolved);
  }
  return refusal(EEXIST, resolved);
}

}  // namespace runtimo::policy
