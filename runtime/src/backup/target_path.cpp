// backup/target_path.cpp — see target_path.hpp.
#include "backup/target_path.hpp"

#include "backup/backup_error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace runtimo::backup {

namespace {

[[noreturn]] void unusable(const std::filesystem::path &path, const std::string &why) {
  throw BackupError("cannot use " + path.string() + ": " + why +
                    " (a resolved absolute path is needed)");
}

// The components of an absolute, normalised path ("/" gives none).
std::vector<std::string> components(const std::filesystem::path &path) {
  const std::string &text = path.native();
  if (text.empty() || text[0] != '/') unusable(path, "it is not absolute");
  std::vector<std::string> out;
  if (text == "/") return out;
  for (std::size_t pos = 1;;) {
    const std::size_t slash = text.find('/', pos);
    const std::string part =
        text.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (part.empty()) unusable(path, "it has an empty component or a trailing '/'");
    if (part == "." || part == "..") unusable(path, "it has a '" + part + "' component");
    out.push_back(part);
    if (slash == std::string::npos) return out;
    pos = slash + 1;
  }
}

// Creates `name` below `dir` (mode 0755 whatever the umask) and makes that durable.
void make_directory(int dir, const std::string &name, const std::filesystem::path &shown) {
  if (::mkdirat(dir, name.c_str(), 0755) != 0) {
    if (errno == EEXIST) return;  // made meanwhile by someone else: open it as it is
    throw_errno("create directory", shown, errno);
  }
  const UniqueFd made(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!made.valid()) throw_errno("open directory", shown, errno);
  if (::fchmod(made.get(), 0755) != 0) throw_errno("set mode of", shown, errno);
  sync_fd(made.get(), shown);
  const UniqueFd parent(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent.valid()) throw_errno("open directory", shown.parent_path(), errno);
  sync_fd(parent.get(), shown.parent_path());
}

}  // namespace

TargetPath split_target(const std::filesystem::path &path) {
  std::vector<std::string> parts = components(path);
  if (parts.empty()) unusable(path, "it is the root directory");
  TargetPath out;
  out.name = parts.back();
  out.parent = "/";
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) out.parent /= parts[i];
  return out;
}

UniqueFd open_parent(const std::filesystem::path &dir, MissingParents missing) {
  UniqueFd at(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!at.valid()) throw_errno("open", "/", errno);
  std::filesystem::path reached = "/";
  for (const auto &part : components(dir)) {
    reached /= part;
    for (int attempt = 0;; ++attempt) {
      UniqueFd next(
          ::openat(at.get(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (next.valid()) {
        at = std::move(next);
        break;
      }
      const int err = errno;
      if (err == ENOENT && missing == MissingParents::create && attempt == 0) {
        make_directory(at.get(), part, reached);
        continue;
      }
      if (err == ENOENT && missing == MissingParents::absent) return UniqueFd();
      if (err != ENOTDIR && err != ELOOP) throw_errno("open directory", reached, err);
      struct stat st {};
      if (::fstatat(at.get(), part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        unusable(dir, reached.string() + " is a symlink");
      }
      if (missing == MissingParents::absent) return UniqueFd();
      throw BackupError("cannot create the directories of " + dir.string() + ": " +
                        reached.string() + " is not a directory");
    }
  }
  UniqueFd opened(::openat(at.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!opened.valid()) throw_errno("open directory", dir, errno);
  return opened;
}

}  // namespace runtimo::backup
