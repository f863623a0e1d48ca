// plugin/plugin_permissions.cpp — the ownership and permission rule (see the header).
#include "plugin/plugin_permissions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

namespace runtimo::plugin {
namespace {

namespace fs = std::filesystem;

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Checks one path of `plugin`: the file itself, or (is_directory) a directory holding it.
std::optional<std::string> check_one(const fs::path &plugin, const fs::path &target,
                                     bool is_directory) {
  struct stat st{};
  if (::stat(target.c_str(), &st) != 0) {
    return plugin.string() + ": cannot check the permissions of " + target.string() + ": " +
           std::strerror(errno);
  }
  const std::string subject =
      is_directory ? plugin.string() + ": its directory " + target.string() : plugin.string();
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return subject + " is writable by other users (mode " + octal_mode(st.st_mode) +
           "): refusing to load it; fix with chmod go-w " + target.string();
  }
  const uid_t self = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != self) {
    return subject + " is owned by uid " + std::to_string(st.st_uid) +
           ", neither root nor the runtime's uid " + std::to_string(self) +
           ": refusing to load it; fix with chown " + std::to_string(self) + " " +
           target.string();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> permission_problem(const fs::path &file, const fs::path &dir) {
  std::error_code ec;
  const fs::path real_file = fs::canonical(file, ec);
  if (ec) return file.string() + ": cannot resolve the path: " + ec.message();
  const fs::path real_dir = fs::canonical(dir, ec);
  if (ec) return file.string() + ": cannot resolve its directory " + dir.string() + ": " + ec.message();

  std::vector<std::pair<fs::path, bool>> targets{{real_file, false}, {real_file.parent_path(), true}};
  if (real_dir != real_file.parent_path()) targets.emplace_back(real_dir, true);
  for (const auto &[target, is_directory] : targets) {
    if (auto problem = check_one(file, target, is_directory)) return problem;
  }
  return std::nullopt;
}

}  // namespace runtimo::plugin
