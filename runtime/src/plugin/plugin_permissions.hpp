// plugin/plugin_permissions.hpp — may this plugin file be trusted enough to load?
//
// Owns: the ownership and permission rule for plugin files and every directory on the way to
// them. A plugin runs with the host's privileges, so anyone who can replace the file, rename
// another file into its directory, or swap any directory above it (rename it away, plant
// another) controls the host. The rule, as OpenSSH's StrictModes puts it for authorized_keys:
// the file, the directory it really lives in, the directory it was found in, and every
// ancestor of those two (both as written and with symbolic links resolved) are owned by root
// or by the runtime's effective uid and are not writable by group or others. One exception:
// a directory owned by root with the sticky bit (like /tmp) may be writable by everyone, since
// there no one can rename or remove what another user put there (and a file planted beside
// ours fails the ownership rule itself).
//
// The file's stat() also gives its FileIdentity, the probe cache's key, at no extra cost.
// Directories are judged once per PermissionCheck, so a load of many files from one directory
// pays for its ancestors once.
#pragma once

#include "plugin/file_identity.hpp"

#include <unistd.h>

#include <filesystem>
#include <unordered_map>
#include <optional>
#include <string>

namespace runtimo::plugin {

class PermissionCheck {
 public:
  // nullopt when `file` (found in `dir`, both absolute) may be loaded, with `identity` set;
  // otherwise the reason, naming the file, the offending path with its mode or owner, and the
  // command that fixes it.
  std::optional<std::string> problem(const std::filesystem::path &file,
                                     const std::filesystem::path &dir, FileIdentity &identity);

  // The rule for the file alone (`runtimo plugin check`, before the file is in a directory).
  static std::optional<std::string> file_problem(const std::filesystem::path &file,
                                                 FileIdentity &identity);

 private:
  static std::optional<std::string> real_file_problem(const std::filesystem::path &file,
                                                      const std::string &real_file,
                                                      FileIdentity &identity);
  // What is wrong with directory `dir` itself ("is writable by other users (mode 0777)", and
  // the fix), or nullopt.
  const std::optional<std::string> &directory_problem(const std::string &dir);
  // The first problem of `dir` or one of its ancestors, worded for `file`.
  std::optional<std::string> chain_problem(const std::filesystem::path &file, const std::string &dir);

  std::unordered_map<std::string, std::optional<std::string>> directories_;
  std::unordered_map<std::string, std::string> real_dirs_;  // directory as found → resolved
  uid_t self_ = ::geteuid();
};

}  // namespace runtimo::plugin
