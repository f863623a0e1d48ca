// backup/remove_tree.hpp — removing a directory entry whatever it is, a directory with
// everything below it included, without following any symlink (a symlink is unlinked, never
// its target), relative to a directory descriptor.
#pragma once

#include <filesystem>
#include <string>

namespace runtimo::backup {

// Removes `name` below `dir_fd`; nothing there is not an error. Directories this process owns
// but may not write (a copied mode such as 0555) are made writable first. Does not fsync.
// Throws "cannot remove <shown>: ..." on failure.
void remove_tree(int dir_fd, const std::string &name, const std::filesystem::path &shown);

}  // namespace runtimo::backup
