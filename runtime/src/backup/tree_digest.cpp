// backup/tree_digest.cpp — see tree_digest.hpp.
#include "backup/tree_digest.hpp"

#include <algorithm>
#include <cstdio>

namespace runtimo::backup {

std::string tree_digest(std::vector<TreeEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const TreeEntry &a, const TreeEntry &b) {
    return a.relative_path < b.relative_path;
  });
  Sha256Stream digest;
  for (const auto &e : entries) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(e.mode & 07777));
    std::string record = std::to_string(e.relative_path.size());
    record += ':';
    record += e.relative_path;
    record += '\0';
    record += to_string(e.kind);
    record += '\0';
    record += mode;
    record += '\0';
    record += e.sha256;
    record += '\n';
    digest.update(record);
  }
  return digest.hex();
}

std::string tree_digest(const std::filesystem::path &dir) {
  const Metadata m = inspect(dir);
  if (m.kind != Kind::directory) {
    throw BackupError("cannot compute the tree digest of " + dir.string() + ": it is " +
                      (m.kind == Kind::absent ? "absent" : "a " + std::string(to_string(m.kind))) +
                      ", not a directory");
  }
  return m.sha256;
}

}  // namespace runtimo::backup
