// policy/hardlink_guard.hpp — is a file about to be opened one of the protected files under
// another name? A hard link gives a protected file a second path that no rule matches, so for
// a regular file with more than one link the protected set's path and home rules are expanded
// with glob(3) and compared by device and inode (a matched directory is walked: it protects
// everything below it).
//
// Kept cheap: nothing happens for files with one link (nearly all); a rule whose literal
// directory does not exist or lies on another filesystem than the file is skipped without a
// glob (a hard link cannot cross filesystems, so /proc rules never cost a scan of /proc); home
// rules are expanded below the homes their users own (and every /home/*), not below system
// accounts' homes such as /usr/sbin or /.
// Name rules (".env" anywhere) cannot be expanded without a scan of every filesystem: a hard
// link to a dotenv file under an unrelated name is not recognised.
#pragma once

#include "policy/protected_set.hpp"

#include <sys/stat.h>

#include <initializer_list>

namespace runtimo::policy {

// True when `file` (fstat of the file about to be opened) is the same inode as a file one of
// the sets protects for this access (for reads, files readable by their rule's exceptions do
// not count).
bool is_link_to_protected(const struct stat &file, std::initializer_list<const ProtectedSet *> sets,
                          bool reading);

}  // namespace runtimo::policy
