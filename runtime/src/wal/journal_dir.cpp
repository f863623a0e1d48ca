// wal/journal_dir.cpp — directories held open and files opened relative to them without
// following symlinks; see journal_dir.hpp.
#include "wal/journal_dir.hpp"

#include "wal/segment_names.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace runtimo::wal::detail {

namespace {

int open_retrying(int dirfd, const char *name, int flags, unsigned mode) {
  int fd;
  do {
    fd = ::openat(dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Opens directory `name` relative to `dirfd` (AT_FDCWD: a path); -1 and errno on failure.
int open_directory(int dirfd, const char *name) {
  return open_retrying(dirfd, name, O_RDONLY | O_DIRECTORY, 0);
}

// `dirfd` and `name` as given to the open that failed with `err`.
JournalError directory_error(int dirfd, const std::filesystem::path &path, const char *name,
                             int err) {
  std::string what = "cannot open " + path.string() + ": ";
  struct stat st {};
  // O_DIRECTORY|O_NOFOLLOW on a link fails with ENOTDIR or ELOOP: say which it was.
  if (err == ENOTDIR && ::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISLNK(st.st_mode)) {
    err = ELOOP;
  }
  if (err == ELOOP) {
    return JournalError(what +
                        "it is a symbolic link, and the journal follows none (replace it "
                        "with the directory itself)");
  }
  if (err == ENOTDIR) return JournalError(what + errno_text(err) + " (a directory is needed here)");
  return JournalError(what + errno_text(err));
}

}  // namespace

JournalDir JournalDir::create(const std::filesystem::path &path) {
  // Opening comes first: the directory nearly always exists, and each `runtimo` command
  // opens the journal and the index (parents are only looked at when it does not).
  int fd = open_directory(AT_FDCWD, path.c_str());
  if (fd < 0 && errno == ENOENT) {
    if (path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
      if (ec) throw_errno("create directory", path.parent_path(), ec.value());
    }
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      throw_errno("create directory", path, errno);
    }
    fd = open_directory(AT_FDCWD, path.c_str());
  }
  if (fd < 0) throw directory_error(AT_FDCWD, path, path.c_str(), errno);
  return JournalDir(FileDescriptor(fd), path);
}

std::optional<JournalDir> JournalDir::open_existing(const std::filesystem::path &path) {
  int fd = open_directory(AT_FDCWD, path.c_str());
  if (fd < 0 && errno == ENOENT) return std::nullopt;
  if (fd < 0) throw directory_error(AT_FDCWD, path, path.c_str(), errno);
  return JournalDir(FileDescriptor(fd), path);
}

std::optional<JournalDir> JournalDir::subdirectory(std::string_view name, bool create) const {
  std::string n(name);
  if (create && ::mkdirat(fd(), n.c_str(), 0700) != 0 && errno != EEXIST) {
    throw_errno("create directory", path_of(name), errno);
  }
  int sub = open_directory(fd(), n.c_str());
  if (sub < 0 && errno == ENOENT && !create) return std::nullopt;
  if (sub < 0) throw directory_error(fd(), path_of(name), n.c_str(), errno);
  return JournalDir(FileDescriptor(sub), path_of(name));
}

std::optional<struct stat> JournalDir::stat_of(std::string_view name) const {
  struct stat st {};
  if (::fstatat(fd(), std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  throw_errno("stat", path_of(name), errno);
}

std::string JournalDir::refusal_for(std::string_view name, const struct stat &st) const {
  if (S_ISREG(st.st_mode)) return {};
  std::string what = S_ISLNK(st.st_mode) ? "is a symbolic link" : "is not a regular file";
  return path_of(name).string() + " " + what +
         "; the journal opens only regular files it created and follows no links (move it "
         "away; restore the real file if it was replaced)";
}

FileDescriptor JournalDir::open_file(std::string_view name, int flags, unsigned mode,
                                     std::string *refusal, struct stat *st, bool missing_ok) const {
  auto refuse = [&](std::string why) {
    if (refusal == nullptr) throw JournalError("refusing " + why);
    *refusal = std::move(why);
    return FileDescriptor();
  };
  // O_NOFOLLOW refuses a link; O_NONBLOCK keeps a FIFO from blocking the open and O_NOCTTY a
  // terminal from becoming ours (on a regular file both change nothing); fstat then refuses
  // anything that is not a regular file before a byte is read or written.
  int fd =
      open_retrying(this->fd(), std::string(name).c_str(), flags | O_NONBLOCK | O_NOCTTY, mode);
  if (fd < 0 && errno == ENOENT && missing_ok) return FileDescriptor();
  if (fd < 0 && errno == ELOOP) {
    return refuse(path_of(name).string() +
                  " is a symbolic link; the journal opens only regular files it created and "
                  "follows no links (move it away; restore the real file if it was replaced)");
  }
  if (fd < 0) throw_errno("open", path_of(name), errno);
  FileDescriptor owned(fd);
  struct stat own {};
  struct stat &info = st != nullptr ? *st : own;
  if (::fstat(fd, &info) != 0) throw_errno("stat", path_of(name), errno);
  if (std::string why = refusal_for(name, info); !why.empty()) return refuse(std::move(why));
  return owned;
}

FileDescriptor JournalDir::open_regular(std::string_view name, int flags, unsigned mode,
                                        std::string *refusal, struct stat *st) const {
  return open_file(name, flags, mode, refusal, st, false);
}

FileDescriptor JournalDir::open_if_exists(std::string_view name, int flags, std::string *refusal,
                                          struct stat *st) const {
  return open_file(name, flags, 0600, refusal, st, true);
}

void JournalDir::rename(std::string_view from, std::string_view to) const {
  if (::renameat(fd(), std::string(from).c_str(), fd(), std::string(to).c_str()) != 0) {
    throw_errno("rename " + path_of(from).string() + " to", path_of(to), errno);
  }
}

void JournalDir::unlink(std::string_view name) const {
  if (::unlinkat(fd(), std::string(name).c_str(), 0) != 0 && errno != ENOENT) {
    throw_errno("remove", path_of(name), errno);
  }
}

void JournalDir::sync() const {
  fsync_file(fd(), path_);
}

std::vector<SegmentFile> JournalDir::segments() const {
  // A new open file description of the directory: readdir moves its offset, and a dup would
  // share ours with other users of this JournalDir.
  int listing = open_directory(fd(), ".");
  if (listing < 0) throw_errno("list", path_, errno);
  DIR *dir = ::fdopendir(listing);
  if (dir == nullptr) {
    int err = errno;
    ::close(listing);
    throw_errno("list", path_, err);
  }
  std::vector<SegmentFile> segments;
  errno = 0;
  while (const dirent *entry = ::readdir(dir)) {
    if (auto number = parse_segment_name(entry->d_name)) {
      segments.push_back({std::move(*number), entry->d_name});
    }
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) throw_errno("list", path_, err);
  std::sort(segments.begin(), segments.end(), [](const SegmentFile &a, const SegmentFile &b) {
    return segment_number_less(a.number, b.number);
  });
  return segments;
}

}  // namespace runtimo::wal::detail
