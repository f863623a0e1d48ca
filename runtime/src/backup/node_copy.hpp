// backup/node_copy.hpp — the one walk over a node (a regular file, a symlink, or a directory
// with everything below it) that describes it as a Metadata and, when asked, copies it.
//
// Used three ways: inspect() describes a live path; BackupStore::take() copies a live path into
// the store; BackupStore::restore() copies a stored copy to a temporary name beside the target.
// Rules, for every node met:
//   - nothing is followed: each entry is fstatat'ed with AT_SYMLINK_NOFOLLOW relative to its
//     directory's descriptor, a symlink is read with readlinkat and copied as a symlink, and a
//     file or directory is opened only once its type is known (posix_file.hpp open_known);
//   - a FIFO, socket or device anywhere is refused, unopened: "cannot back up <path>: it is a
//     FIFO (only regular files, directories and symlinks can be backed up)";
//   - a copy is made durable: content (content_copy.hpp), then owner, mode, attributes, mtime
//     (metadata_apply.hpp; a directory's after its entries), then fsync — of every file and
//     every directory made; the caller fsyncs the directory it made the top node in;
//   - digests are computed on what was copied (reading the copy back, in the same pass as
//     the copy), so the Metadata returned describes exactly the bytes stored; a description
//     takes a file's digest from KnownDigests where its stamp says it is known;
//   - a source that changes while it is read (size, mtime or ctime differ afterwards) is
//     refused: "<path> changed while being read (try again)".
// Hard links inside a directory tree are copied as separate files. The walk holds one
// descriptor per level of depth.
#pragma once

#include "backup/known_digests.hpp"
#include "backup/metadata.hpp"
#include "backup/tree_digest.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace runtimo::backup {

// The entry `name` below the open directory `dir_fd`; `shown` is its path for messages.
struct NodeRef {
  int dir_fd = -1;
  std::string name;
  std::filesystem::path shown;
};

struct CopyOptions {
  // Given to the copy's top node instead of the source's own owner, mode, attributes and mtime
  // (restore applies the recorded pre-image; the stored copy may lack an owner it could not
  // set). Entries below the top node always get their source's.
  const Metadata *top_metadata = nullptr;
  // A directory the walk refuses to enter (take: the store itself, which must not copy itself
  // into itself), named `excluded_shown` in the message.
  const struct stat *excluded = nullptr;
  std::filesystem::path excluded_shown;
};

// The Kind of the entry `st` describes; throws the "cannot back up <shown>: it is a FIFO ..."
// refusal for anything but a regular file, a directory or a symlink.
Kind kind_of(const struct stat &st, const std::filesystem::path &shown);

// What the existing entry `src` is (see inspect() in metadata.hpp); for a directory, entries
// whose path relative to it is in `skipped` (and everything below them) are left out, and
// `entries` (when given) receives every entry the tree digest covers; a file `known` knows (by
// its path and stamp) is not read.
Metadata describe_node(const NodeRef &src, const std::set<std::string> *skipped = nullptr,
                       std::vector<TreeEntry> *entries = nullptr, const KnownDigests *known = nullptr);

// Copies the existing entry `src` to `dst`, which must not exist, and returns the source's
// Metadata with its digests computed over the copy. On failure, what was made at `dst` is
// removed before the error propagates. When the top node is a regular file, `top_content`
// (may be null) receives the source's stamp and the copy's digest state.
Metadata copy_node(const NodeRef &src, const NodeRef &dst, const CopyOptions &options = {},
                   KnownContent *top_content = nullptr);

}  // namespace runtimo::backup
