// plugin/plugin_permissions.cpp — the ownership and permission rule (see the header).
#include "plugin/plugin_permissions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace runtimo::plugin {
namespace {

namespace fs = std::filesystem;

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// What is wrong with the path `target` that `st` describes (worded to follow its name), or
// nullopt. `is_directory`: the sticky, root-owned exception applies.
std::optional<std::string> mode_problem(const fs::path &target, const struct stat &st,
                                        bool is_directory) {
  const bool shared_sticky = is_directory && (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !shared_sticky) {
    return " is writable by other users (mode " + octal_mode(st.st_mode) +
           "): refusing to load it; fix with chmod go-w " + target.string();
  }
  const uid_t self = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != self) {
    return " is owned by uid " + std::to_string(st.st_uid) + ", neither root nor the runtime's uid " +
           std::to_string(self) + ": refusing to load it; fix with chown " + std::to_string(self) +
           " " + target.string();
  }
  return std::nullopt;
}

std::optional<std::string> stat_failure(const fs::path &plugin, const fs::path &target) {
  return plugin.string() + ": cannot check the permissions of " + target.string() + ": " +
         std::strerror(errno);
}

}  // namespace

std::optional<std::string> PermissionCheck::file_problem(const fs::path &file,
                                                         FileIdentity &identity) {
  std::error_code ec;
  const fs::path real_file = fs::canonical(file, ec);
  if (ec) return file.string() + ": cannot resolve the path: " + ec.message();
  return real_file_problem(file, real_file, identity);
}

std::optional<std::string> PermissionCheck::real_file_problem(const fs::path &file,
                                                              const fs::path &real_file,
                                                              FileIdentity &identity) {
  struct stat st{};
  if (::stat(real_file.c_str(), &st) != 0) return stat_failure(file, real_file);
  identity = FileIdentity::of(st);
  if (auto problem = mode_problem(real_file, st, false)) return file.string() + *problem;
  return std::nullopt;
}

const std::optional<std::string> &PermissionCheck::directory_problem(const fs::path &dir) {
  if (const auto it = directories_.find(dir); it != directories_.end()) return it->second;
  std::optional<std::string> problem;
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) {
    problem = std::string(": cannot check its permissions: ") + std::strerror(errno);
  } else {
    problem = mode_problem(dir, st, true);
  }
  return directories_.emplace(dir, std::move(problem)).first->second;
}

std::optional<std::string> PermissionCheck::chain_problem(const fs::path &file, const fs::path &dir) {
  for (fs::path at = dir;; at = at.parent_path()) {
    if (const auto &problem = directory_problem(at)) {
      const std::string subject = at == dir ? "its directory " + dir.string()
                                            : at.string() + ", an ancestor of its directory " +
                                                  dir.string() + ",";
      return file.string() + ": " + subject + *problem;
    }
    if (!at.has_relative_path() || at == at.parent_path()) return std::nullopt;  // root checked
  }
}

std::optional<std::string> PermissionCheck::problem(const fs::path &file, const fs::path &dir,
                                                    FileIdentity &identity) {
  std::error_code ec;
  const fs::path real_file = fs::canonical(file, ec);
  if (ec) return file.string() + ": cannot resolve the path: " + ec.message();
  if (auto problem = real_file_problem(file, real_file, identity)) return problem;
  const fs::path real_dir = fs::canonical(dir, ec);
  if (ec) return file.string() + ": cannot resolve its directory " + dir.string() + ": " + ec.message();
  // Where the file really lives, where it was found, and that place as written (a symbolic
  // link on the way lives in a directory the resolved path does not pass through). A chain
  // met before costs map lookups only.
  for (const fs::path &chain : {real_file.parent_path(), real_dir, dir}) {
    if (auto problem = chain_problem(file, chain)) return problem;
  }
  return std::nullopt;
}

}  // namespace runtimo::plugin
