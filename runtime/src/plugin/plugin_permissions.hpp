// plugin/plugin_permissions.hpp — may this plugin file be trusted enough to load?
//
// Owns: the ownership and permission rule for plugin files and the directories that hold them.
// A plugin runs inside the host with the host's privileges, so anyone who can replace the file
// (or rename another file into its directory) controls the host. The rule: the file, the
// directory it really lives in (after resolving symlinks) and the directory it was found in are
// owned by root or by the runtime's effective uid, and are not writable by group or others.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace runtimo::plugin {

// nullopt when `file` (found in `dir`) may be loaded; otherwise the reason, naming the file,
// the offending mode or owner, and the command that fixes it.
std::optional<std::string> permission_problem(const std::filesystem::path &file,
                                              const std::filesystem::path &dir);

}  // namespace runtimo::plugin
