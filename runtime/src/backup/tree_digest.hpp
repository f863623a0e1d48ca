// backup/tree_digest.hpp — the digest of a directory tree, so that a directory's Metadata can
// say "this exact content" in 64 hex digits, as a file's does.
//
// Over every entry below the directory (the directory itself not included: its own mode,
// owner and mtime are fields of its Metadata), sorted bytewise by relative path, the SHA-256 of
// one record per entry:
//     <byte length of path> ':' <path> '\0' <kind> '\0' <mode, 4 octal digits> '\0' <digest> '\n'
// where path is relative with '/' between components, kind is to_string(Kind), and digest is
// the entry's content digest (file: content; symlink: target text; directory: empty, since its
// content is the entries under it). The length prefix keeps every path unambiguous, newlines
// included. Owners, mtimes and attributes are not part of it.
#pragma once

#include "backup/metadata.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::backup {

// One entry below a directory, as the tree digest sees it.
struct TreeEntry {
  std::string relative_path;
  Kind kind = Kind::file;
  std::uint32_t mode = 0;
  std::string sha256;  // "" for a directory
};

// The tree digest of `entries` (any order: they are sorted here).
std::string tree_digest(std::vector<TreeEntry> entries);

// The tree digest of the directory at `dir` (absolute, no symlink followed: see inspect());
// throws BackupError when it is not a directory. Equal to inspect(dir).sha256.
std::string tree_digest(const std::filesystem::path &dir);

}  // namespace runtimo::backup
