// backup/store_layout.cpp — see store_layout.hpp.
#include "backup/store_layout.hpp"

#include "backup/backup_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace runtimo::backup {

namespace {

// Why `name` is not a plain name, or "" when it is.
std::string plain_name_problem(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (name.size() > 255) return "it is longer than 255 bytes";
  if (name.find('/') != std::string_view::npos) return "it contains '/'";
  if (name.find('\0') != std::string_view::npos) return "it contains a NUL byte";
  if (name.front() == '.') return "it starts with '.'";
  return "";
}

UniqueFd open_or_create(int at, const std::string &name, const std::filesystem::path &shown,
                        StoreAccess access) {
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(::openat(at, name.c_str(), flags));
  if (fd.valid()) return fd;
  if (errno != ENOENT) throw_errno("open directory", shown, errno);
  if (access == StoreAccess::existing) return UniqueFd();
  if (::mkdirat(at, name.c_str(), 0700) != 0 && errno != EEXIST) {
    throw_errno("create directory", shown, errno);
  }
  fd = UniqueFd(::openat(at, name.c_str(), flags));
  if (!fd.valid()) throw_errno("open directory", shown, errno);
  if (access == StoreAccess::create_unsynced) return fd;
  sync_fd(fd.get(), shown);
  const UniqueFd parent(::openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent.valid()) throw_errno("open directory", shown.parent_path(), errno);
  sync_fd(parent.get(), shown.parent_path());
  return fd;
}

}  // namespace

void check_job_name(std::string_view job) {
  const std::string problem = plain_name_problem(job);
  if (!problem.empty()) {
    throw BackupError("invalid job id \"" + std::string(job) +
                      "\" for the backup store: " + problem);
  }
}

void check_stored_name(std::string_view stored, std::string_view what) {
  const std::string problem = plain_name_problem(stored);
  if (!problem.empty()) {
    throw BackupError(std::string(what) + ": invalid stored copy name \"" + std::string(stored) +
                      "\": " + problem);
  }
}

std::string partial_name(const std::string &stored) {
  return ".partial-" + stored;
}

UniqueFd open_store_root(const std::filesystem::path &root, StoreAccess access) {
  const std::filesystem::path above = root.parent_path().empty() ? "." : root.parent_path();
  const UniqueFd parent(::open(above.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent.valid()) {
    if (errno == ENOENT && access == StoreAccess::existing) return UniqueFd();
    throw_errno("open directory", above, errno);
  }
  return open_or_create(parent.get(), root.filename().string(), root, access);
}

UniqueFd open_job_dir(int root_fd, std::string_view job, const std::filesystem::path &shown,
                      StoreAccess access) {
  check_job_name(job);
  return open_or_create(root_fd, std::string(job), shown, access);
}

bool is_at_or_below(int dir_fd, const struct stat &ancestor) {
  UniqueFd at(::openat(dir_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!at.valid()) throw_errno("open directory", "(checked against the backup store)", errno);
  struct stat st = stat_fd(at.get(), "(checked against the backup store)");
  for (;;) {
    if (same_inode(st, ancestor)) return true;
    UniqueFd up(::openat(at.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!up.valid()) throw_errno("open directory", "..", errno);
    const struct stat up_st = stat_fd(up.get(), "..");
    if (same_inode(up_st, st)) return false;  // "/": its ".." is itself
    at = std::move(up);
    st = up_st;
  }
}

void check_outside_store(int parent_fd, const std::string &name, int root_fd,
                         const std::filesystem::path &root, const std::filesystem::path &path,
                         std::string_view verb) {
  const auto refuse = [&](std::string_view relation) {
    throw BackupError("cannot " + std::string(verb) + " " + path.string() + ": it " +
                      std::string(relation) + " the backup store " + root.string());
  };
  if (is_at_or_below(parent_fd, stat_fd(root_fd, root))) refuse("is inside");
  const auto st = stat_entry(parent_fd, name, path);
  if (!st || !S_ISDIR(st->st_mode)) return;
  const UniqueFd target(
      ::openat(parent_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!target.valid()) throw_errno("open directory", path, errno);
  if (is_at_or_below(root_fd, stat_fd(target.get(), path))) refuse("contains");
}

}  // namespace runtimo::backup
