// policy/no_follow_open.cpp — see no_follow_open.hpp.
#include "policy/no_follow_open.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runtimo::policy {
namespace {

bool creates(int flags) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

int openat2_no_symlinks(const std::string &path, int flags) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(static_cast<unsigned>(flags));
  how.mode = creates(flags) ? 0600 : 0;
  how.resolve = RESOLVE_NO_SYMLINKS;
  for (;;) {
    const long fd = ::syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how);
    if (fd >= 0 || errno != EINTR) return static_cast<int>(fd);
  }
}

int open_no_follow(const std::string &path, int flags) {
  for (;;) {
    const int fd = creates(flags) ? ::open(path.c_str(), flags | O_NOFOLLOW, 0600)
                                  : ::open(path.c_str(), flags | O_NOFOLLOW);
    if (fd >= 0 || errno != EINTR) return fd;
  }
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

}  // namespace

PathDecision open_without_symlinks(const std::string &resolved, int open_flags, int *fd) {
  *fd = -1;
  const int flags = open_flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  int got = openat2_no_symlinks(resolved, flags);
  if (got < 0 && errno == ENOSYS) got = open_no_follow(resolved, flags);
  if (got < 0) return refusal(errno, resolved);
  *fd = got;
  PathDecision d;
  d.resolved = resolved;
  return d;
}

}  // namespace runtimo::policy
