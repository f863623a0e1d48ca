// policy/no_follow_open.hpp — opening a path the policy has already resolved: no symlink is
// followed on the way, and the file is judged before anything opens it.
//
// Owns the open itself, in three steps:
//   1. openat2(AT_FDCWD, path, {O_PATH | O_NOFOLLOW | O_CLOEXEC, RESOLVE_NO_SYMLINKS}) — an
//      O_PATH descriptor names the inode without opening it: no driver's open() runs (opening
//      /dev/watchdog arms a reboot), no FIFO gains a reader (which would release a writer
//      blocked in open()). On kernels without openat2 (ENOSYS), open(2) with O_PATH|O_NOFOLLOW,
//      which still refuses a symlink as the last component;
//   2. fstat of that descriptor, handed to the caller's `inspect` (file type, hard links): a
//      refusal there closes the descriptor and nothing was opened;
//   3. reopening the very same inode through /proc/self/fd/N with the caller's flags
//      (O_CLOEXEC | O_NOCTTY | O_NONBLOCK added), so a path swapped after step 1 cannot matter.
// A path that does not exist is created, when the flags ask for it, with O_CREAT | O_EXCL
// under RESOLVE_NO_SYMLINKS (mode 0600): what is created is a new regular file, so nothing
// needs judging. Because a resolved path contains no symlinks, meeting one means a component
// was swapped after the check. Also owns turning errno into a status, message and hint.
#pragma once

#include "policy/path_policy.hpp"

#include <sys/stat.h>

#include <functional>
#include <string>

namespace runtimo::policy {

// Judges the file found at the path (fstat of its O_PATH descriptor) before it is opened:
// RT_OK to go on, anything else is the refusal returned.
using InspectFile = std::function<PathDecision(const struct stat &)>;

// On success decision.ok() and *fd is an open descriptor the caller owns; decision.resolved
// is `resolved`. On failure *fd is -1 and the decision says why (ELOOP or a symlink found →
// RT_DENIED, ENOENT → RT_NOT_FOUND, EACCES/EPERM → RT_DENIED, anything else RT_FAILED, or
// what `inspect` said). O_TRUNC is not applied here (the caller truncates once it is sure).
PathDecision open_without_symlinks(const std::string &resolved, int open_flags,
                                   const InspectFile &inspect, int *fd);

}  // namespace runtimo::policy
