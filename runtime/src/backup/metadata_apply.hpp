// backup/metadata_apply.hpp — giving a freshly made copy (in the store, or the temporary node
// a restore builds) the owner, mode, extended attributes and mtime a Metadata records.
//
// Order matters: chown(2) clears set-user/group-ID bits and the security.capability attribute,
// so the mode and the attributes come after it; setting an ACL attribute sets the mode's group
// bits to the ACL mask, which the recorded mode already equals; the mtime comes last (for a
// directory, the caller applies it after the directory's content is complete, since adding
// entries changes it).
// The owner is set where permitted: root must succeed; any other process keeps its own
// owner when chown is refused (EPERM, or EINVAL for an id outside its user namespace).
#pragma once

#include "backup/metadata.hpp"

#include <filesystem>
#include <string>

namespace runtimo::backup {

// Owner, mode, attributes and mtime of `m` onto the open file or directory `fd`.
void apply_metadata(int fd, const Metadata &m, const std::filesystem::path &shown);

// Sets only the mtime of the open file or directory `fd` (its atime is left); a process that
// is neither root nor the owner leaves the mtime as it is.
void set_mtime(int fd, std::int64_t mtime_ns, const std::filesystem::path &shown);

// Owner, attributes and mtime of `m` onto the symlink `name` below `dir_fd` (never followed;
// a symlink's mode cannot be changed on Linux).
void apply_link_metadata(int dir_fd, const std::string &name, const Metadata &m,
                         const std::filesystem::path &shown);

}  // namespace runtimo::backup
