// backup/replace_entry.hpp — the renames a restore makes in the target's directory: putting a
// node built under a temporary name in place of an entry, removing an entry, and cleaning up
// what an interrupted restore left there.
//
// Crash safety comes from the names: the new node is built as .runtimo-restore-<random>, and
// a directory being removed is first renamed to .runtimo-aside-<random>, so at any instant
// the target's own name holds either the old node or the new one, complete, and any partial
// state lives under a reserved name. The stored copy stays the source of truth, so removing
// every reserved name and starting over is always correct.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::backup {

inline constexpr std::string_view kRestorePrefix = ".runtimo-restore-";
inline constexpr std::string_view kAsidePrefix = ".runtimo-aside-";
// The write service's temporary files (exec/write_service.cpp), renamed over their target.
inline constexpr std::string_view kWritePrefix = ".runtimo-write-";

// Whether `name` is one of those reserved names: what a crash may leave of a restore or a
// write. Walks (inspect, take) leave them out: they are never part of what a path holds.
inline bool is_leftover(std::string_view name) {
  return name.starts_with(kRestorePrefix) || name.starts_with(kAsidePrefix) || name.starts_with(kWritePrefix);
}

// `prefix` + 12 random hex digits, not present below `dir_fd` now.
std::string unused_name(int dir_fd, std::string_view prefix, const std::filesystem::path &dir);

// Removes every entry of `dir_fd` named .runtimo-restore-* or .runtimo-aside-* (recursively).
void remove_leftovers(int dir_fd, const std::filesystem::path &dir);

// Puts the node `temp` in place of `name`, both below `dir_fd`. When something is at `name`,
// renameat2(RENAME_EXCHANGE) swaps the two in one step whatever either is, and the old node,
// now under `temp`, is removed. Where the filesystem cannot exchange (EINVAL), a directory at
// `name` is renamed aside first, `temp` renamed over, the aside removed. Does not fsync.
void replace_entry(int dir_fd, const std::string &temp, const std::string &name,
                   const std::filesystem::path &dir);

// Removes `name` below `dir_fd` whatever it is; a directory is renamed aside first, so an
// interrupted removal never leaves a half-removed tree under the real name. Does not fsync.
void remove_entry(int dir_fd, const std::string &name, const std::filesystem::path &dir);

}  // namespace runtimo::backup
