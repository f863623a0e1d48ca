// policy/hardlink_guard.hpp — is an opened file one of the protected files under another
// name? A hard link gives a protected file a second path that no pattern matches, so after
// opening a regular file with more than one link, the protected patterns are expanded with
// glob(3) and compared by device and inode.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

namespace runtimo::policy {

// True when `opened` (fstat of the opened file) is the same inode as a file matching one of
// `patterns`. For reads (`reading`), protected files whose basename matches one of
// `readable_exceptions` do not count.
bool is_link_to_protected(const struct stat &opened, const std::vector<std::string> &patterns,
                          const std::vector<std::string> &readable_exceptions, bool reading);

}  // namespace runtimo::policy
