// tree_listing.hpp — every entry below a directory with its kind, mode, mtime and content (or
// link target), so a test can say "this tree came back exactly" with one comparison.
#pragma once

#include "temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

namespace runtimo::test {

// Every entry below `root`: relative path → "kind mode mtime content-or-target".
inline std::map<std::string, std::string> listing(const std::filesystem::path &root) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    std::string what = S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link " + fs::read_symlink(it->path()).string()
                                                                        : "file " + read_file(it->path());
    out[fs::relative(it->path(), root).string()] = what + " " + std::to_string(st.st_mode & 07777) + " " +
                                                   std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return out;
}

}  // namespace runtimo::test
