// backup/xattrs.hpp — reading every extended attribute of a node, and making a node's set
// exactly a recorded one.
//
// A file or directory is reached through its open descriptor (f*xattr). A symlink cannot be
// opened, and glibc 2.36 has no *xattrat calls, so it is reached as
// /proc/self/fd/<dir_fd>/<name> with the l*xattr calls: the magic link names the directory
// already opened, and the last component is not followed.
#pragma once

#include "backup/metadata.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::backup {

// Which node: an open file or directory, or the symlink `name` below `dir_fd`.
struct XattrNode {
  static XattrNode open_fd(int fd, const std::filesystem::path &shown);
  static XattrNode link(int dir_fd, const std::string &name, const std::filesystem::path &shown);

  int fd = -1;           // open_fd
  std::string via_proc;  // link: "/proc/self/fd/<dir_fd>/<name>"
  std::filesystem::path shown;
};

// Every attribute of `node`, sorted by name; empty when the filesystem has none (ENOTSUP). An
// attribute removed between listing and reading is left out.
std::vector<Xattr> read_xattrs(const XattrNode &node);

// Gives `node` exactly `wanted`: attributes it has and `wanted` lacks are removed (a new node
// may have inherited a default ACL or a security label), then each of `wanted` is set. A
// process that is not root may not set or remove attributes outside the user.* namespace;
// those refusals (EPERM, EACCES, ENOTSUP) are skipped, like an owner it may not set. Any other
// failure throws "cannot set extended attribute <name> on <shown>: ...".
void write_xattrs(const XattrNode &node, const std::vector<Xattr> &wanted);

}  // namespace runtimo::backup
