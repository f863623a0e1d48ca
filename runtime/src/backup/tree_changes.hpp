// backup/tree_changes.hpp — what changed at a backed-up path since its pre-image: the files,
// symlinks and directories created, modified (content, mode or kind) and deleted, each by its
// absolute path. For a command's declared write-set (the spawn service), whose effects are not
// made through the write service and so are known only by comparing.
#pragma once

#include "backup/backup_store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::backup {

struct PathChange {
  std::filesystem::path path;
  std::string change;  // "created" | "modified" | "deleted"
  Kind kind = Kind::file;  // what it is now (what it was, when deleted)
};

// Compares `pre` (stored in `store` for `job`) with what is at pre.path now, entry by entry
// inside a directory; sorted by path. Throws BackupError as inspect() does.
std::vector<PathChange> changes_since(const BackupStore &store, std::string_view job, const PreImage &pre);

}  // namespace runtimo::backup
