// policy/no_follow_open.hpp — opening a path the policy has already resolved, refusing any
// symlink on the way.
//
// Owns the open itself: openat2(AT_FDCWD, path, {flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
// 0600 when creating, RESOLVE_NO_SYMLINKS}); on kernels without openat2 (ENOSYS), open(2)
// with O_NOFOLLOW, which still refuses a symlink as the last component. Because a resolved
// path contains no symlinks, meeting one here means a component was swapped after the check.
// Also owns turning errno into a status, message and hint.
#pragma once

#include "policy/path_policy.hpp"

#include <string>

namespace runtimo::policy {

// On success decision.ok() and *fd is an open descriptor the caller owns; decision.resolved
// is `resolved`. On failure *fd is -1 and the decision says why (ELOOP → RT_DENIED,
// ENOENT → RT_NOT_FOUND, EACCES/EPERM → RT_DENIED, anything else RT_FAILED).
PathDecision open_without_symlinks(const std::string &resolved, int open_flags, int *fd);

}  // namespace runtimo::policy
