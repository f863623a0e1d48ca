// plugin/plugin_directory.hpp — which entries of a plugin directory are plugin candidates.
//
// Owns: the file-name rule (every entry named libcap_*.so is a candidate), the order (sorted by
// file name, so loading and duplicate resolution are reproducible), what an entry is before
// anything opens it — a regular file (a symbolic link to one included) is a plugin file; a
// dangling link, a link loop, a directory, a FIFO, a socket or a device so named is listed
// with the reason it is none, so the operator sees it among the rejected plugins instead of
// wondering where it went (and a FIFO is never opened, which would block) — and the difference
// between a directory that does not exist (skipped silently: the default search path lists
// directories that are often absent) and one that exists but cannot be read (reported, since
// plugins the operator expects would silently vanish).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::plugin {

struct ListedFile {
  std::filesystem::path path;          // `dir / name`
  std::optional<std::string> problem;  // set when the entry is not a plugin file (names it)
};

struct DirectoryListing {
  bool missing = false;                // the directory does not exist
  std::optional<std::string> problem;  // it exists but cannot be listed (message names it)
  std::vector<ListedFile> files;       // sorted by name
};

DirectoryListing list_plugin_files(const std::filesystem::path &dir);

// Why the entry `path` is not a plugin file (a regular file, or a symbolic link to one), or
// nullopt. Looks with lstat/stat/readlink only: nothing is opened.
std::optional<std::string> not_a_plugin_file(const std::filesystem::path &path);

}  // namespace runtimo::plugin
