// plugin/plugin_permissions.cpp — the ownership and permission rule (see the header).
#include "plugin/plugin_permissions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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
std::optional<std::string> mode_problem(const std::string &target, const struct stat &st,
                                        bool is_directory, uid_t self) {
  const bool shared_sticky = is_directory && (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !shared_sticky) {
    return " is writable by other users (mode " + octal_mode(st.st_mode) +
           "): refusing to load it; fix with chmod go-w " + target;
  }
  if (st.st_uid != 0 && st.st_uid != self) {
    return " is owned by uid " + std::to_string(st.st_uid) + ", neither root nor the runtime's uid " +
           std::to_string(self) + ": refusing to load it; fix with chown " + std::to_string(self) +
           " " + target;
  }
  return std::nullopt;
}

std::optional<std::string> stat_failure(const fs::path &plugin, const std::string &target) {
  return plugin.string() + ": cannot check the permissions of " + target + ": " + std::strerror(errno);
}

// realpath(3): std::filesystem::canonical walks the path component by component in C++,
// several times the instructions for the same system calls.
std::optional<std::string> resolved(const std::string &path) {
  char *real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return std::nullopt;
  std::string out(real);
  std::free(real);
  return out;
}

// "/a/b" → "/a", "/a" → "/".
std::string parent_of(const std::string &dir) {
  const std::size_t slash = dir.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : dir.substr(0, slash);
}

}  // namespace

std::optional<std::string> PermissionCheck::file_problem(const fs::path &file,
                                                         FileIdentity &identity) {
  const auto real_file = resolved(file.string());
  if (!real_file) return file.string() + ": cannot resolve the path: " + std::strerror(errno);
  return real_file_problem(file, *real_file, identity);
}

std::optional<std::string> PermissionCheck::real_file_problem(const fs::path &file,
                                                              const std::string &real_file,
                                                              FileIdentity &identity) {
  struct stat st{};
  if (::stat(real_file.c_str(), &st) != 0) return stat_failure(file, real_file);
  identity = FileIdentity::of(st);
  if (auto problem = mode_problem(real_file, st, false, ::geteuid())) return file.string() + *problem;
  return std::nullopt;
}

const std::optional<std::string> &PermissionCheck::directory_problem(const std::string &dir) {
  if (const auto it = directories_.find(dir); it != directories_.end()) return it->second;
  std::optional<std::string> problem;
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) {
    problem = std::string(": cannot check its permissions: ") + std::strerror(errno);
  } else {
    problem = mode_problem(dir, st, true, self_);
  }
  return directories_.emplace(dir, std::move(problem)).first->second;
}

std::optional<std::string> PermissionCheck::chain_problem(const fs::path &file, const std::string &dir) {
  for (std::string at = dir;; at = parent_of(at)) {
    if (const auto &problem = directory_problem(at)) {
      const std::string subject =
          at == dir ? "its directory " + dir : at + ", an ancestor of its directory " + dir + ",";
      return file.string() + ": " + subject + *problem;
    }
    if (at == "/") return std::nullopt;
  }
}

std::optional<std::string> PermissionCheck::problem(const fs::path &file, const fs::path &dir,
                                                    FileIdentity &identity) {
  const auto real_file = resolved(file.string());
  if (!real_file) return file.string() + ": cannot resolve the path: " + std::strerror(errno);
  if (auto problem = real_file_problem(file, *real_file, identity)) return problem;
  auto known = real_dirs_.find(dir.string());
  if (known == real_dirs_.end()) {
    const auto real_dir = resolved(dir.string());
    if (!real_dir)
      return file.string() + ": cannot resolve its directory " + dir.string() + ": " + std::strerror(errno);
    known = real_dirs_.emplace(dir.string(), *real_dir).first;
  }
  // Where the file really lives, where it was found, and that place as written (a symbolic
  // link on the way lives in a directory the resolved path does not pass through).
  const std::string chains[] = {parent_of(*real_file), known->second, dir.string()};
  for (std::size_t i = 0; i < std::size(chains); ++i) {
    if (std::find(chains, chains + i, chains[i]) != chains + i) continue;  // checked just now
    if (auto problem = chain_problem(file, chains[i])) return problem;
  }
  return std::nullopt;
}

}  // namespace runtimo::plugin
