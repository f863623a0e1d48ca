// backup/disk_usage.hpp — how much disk a stored copy takes (for retention limits).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace runtimo::backup {

// The bytes allocated (st_blocks × 512) to `name` below `dir_fd` and, for a directory,
// everything below it; symlinks are counted, not followed. 0 when there is nothing there.
// Shared extents (FICLONE copies) count in full.
std::uint64_t disk_usage(int dir_fd, const std::string &name, const std::filesystem::path &shown);

}  // namespace runtimo::backup
