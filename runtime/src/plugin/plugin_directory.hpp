// plugin/plugin_directory.hpp — which files of a plugin directory are plugin candidates.
//
// Owns: the file-name rule (regular files, symlinks to them included, named libcap_*.so), the
// order (sorted by file name, so loading and duplicate resolution are reproducible), and the
// difference between a directory that does not exist (skipped silently: the default search
// path lists directories that are often absent) and one that exists but cannot be read
// (reported, since plugins the operator expects would silently vanish).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::plugin {

struct DirectoryListing {
  bool missing = false;                // the directory does not exist
  std::optional<std::string> problem;  // it exists but cannot be listed (message names it)
  std::vector<std::filesystem::path> files;  // `dir / name`, sorted by name
};

DirectoryListing list_plugin_files(const std::filesystem::path &dir);

}  // namespace runtimo::plugin
