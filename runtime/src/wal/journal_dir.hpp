// wal/journal_dir.hpp — a directory of the journal (the wal directory, its corrupt/, the index
// directory) held open as a descriptor, and every file in it opened relative to that
// descriptor without following symbolic links (DESIGN §4).
//
// Why: a segment, LOCK or corrupt/ replaced by a symlink would otherwise make the writer cut
// or append to whatever file the link names. The directory itself is opened with
// O_DIRECTORY|O_NOFOLLOW, then openat/fstatat/mkdirat/renameat/unlinkat use its descriptor,
// always with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW; a file that is a symlink or not a regular file
// is refused with an error naming it.
//
// Owns also the ordered listing of a directory's segments (names in segment_names.hpp).
#pragma once

#include "wal/posix_file.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::wal::detail {

struct SegmentFile {
  std::string number;  // canonical decimal digits (segment_names.hpp)
  std::string name;    // wal-<number>.jsonl
};

class JournalDir {
 public:
  // The directory at `path`, created (mode 0700, parents as needed) unless it exists. Throws
  // JournalError, also when `path` is a symlink or not a directory.
  static JournalDir create(const std::filesystem::path &path);
  // The existing directory at `path`, or nothing when it does not exist; creates nothing.
  static std::optional<JournalDir> open_existing(const std::filesystem::path &path);

  // The subdirectory `name`, created (0700) when `create` and missing; nothing when missing
  // and not `create`.
  std::optional<JournalDir> subdirectory(std::string_view name, bool create) const;

  int fd() const { return fd_.get(); }
  const std::filesystem::path &path() const { return path_; }
  std::filesystem::path path_of(std::string_view name) const { return path_ / std::string(name); }

  // Opens regular file `name` (O_NOFOLLOW, O_CLOEXEC added), its fstat into `st` if given. A
  // symlink or a file that is not regular is refused: with `refusal` given, it receives why
  // and an invalid descriptor is returned; without, JournalError is thrown. Other errors
  // (ENOENT without O_CREAT included) always throw.
  FileDescriptor open_regular(std::string_view name, int flags, unsigned mode = 0600,
                              std::string *refusal = nullptr, struct stat *st = nullptr) const;
  // Like open_regular, but a missing file gives an invalid descriptor instead of an error.
  FileDescriptor open_if_exists(std::string_view name, int flags, std::string *refusal = nullptr,
                                struct stat *st = nullptr) const;

  // lstat of `name` (fstatat, AT_SYMLINK_NOFOLLOW); nothing when missing.
  std::optional<struct stat> stat_of(std::string_view name) const;
  // Why `name` is not usable as a journal file ("… is a symbolic link …"), or empty.
  std::string refusal_for(std::string_view name, const struct stat &st) const;

  void rename(std::string_view from, std::string_view to) const;
  void unlink(std::string_view name) const;  // a missing file is not an error
  void sync() const;                         // fsync of the directory itself

  // The segment files, lowest number first.
  std::vector<SegmentFile> segments() const;

 private:
  FileDescriptor open_file(std::string_view name, int flags, unsigned mode, std::string *refusal,
                           struct stat *st, bool missing_ok) const;
  JournalDir(FileDescriptor fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  FileDescriptor fd_;
  std::filesystem::path path_;
};

}  // namespace runtimo::wal::detail
