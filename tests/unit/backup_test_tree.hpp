// backup_test_tree.hpp — what the backup module's unit tests (backup_*.cpp) share: making
// files, symlinks and trees with chosen modes, mtimes and extended attributes, and a full
// listing of a tree read independently of the module (lstat, readlink, llistxattr), so that
// "restored exactly" is compared entry by entry; and reading the message of a BackupError.
#pragma once

#include "backup/backup_error.hpp"
#include "temp_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace runtimo::backup::test {

namespace fs = std::filesystem;

inline bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// The message of the BackupError `f` throws ("" when it throws none).
template <class F>
std::string backup_error_of(F &&f) {
  try {
    f();
  } catch (const BackupError &e) {
    return e.what();
  }
  return "";
}

// A test's own directory (canonical, so no symlink is on the path) with a home for the store
// (<tmp>/home, the store at <tmp>/home/backups) and a data directory (<tmp>/data).
struct Sandbox {
  runtimo::test::TempDir tmp;
  fs::path root = fs::canonical(tmp.path());
  fs::path home = root / "home";
  fs::path store = home / "backups";
  fs::path data = root / "data";
  Sandbox() {
    fs::create_directories(home);
    fs::create_directories(data);
  }
  // Directories copied with a mode such as 0555 would keep a process that is not root from
  // removing the sandbox: every directory is made writable first.
  ~Sandbox() { make_writable(root); }
  Sandbox(const Sandbox &) = delete;
  Sandbox &operator=(const Sandbox &) = delete;

  static void make_writable(const fs::path &top) {
    std::error_code ec;
    fs::permissions(top, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(top, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
      }
    }
  }
};

// Replaces the file at `p` with exactly `bytes` (parents created).
inline void write_file(const fs::path &p, const std::string &bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
}

inline std::string read_file(const fs::path &p) {
  return runtimo::test::read_file(p);
}

inline struct stat lstat_of(const fs::path &p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) throw std::runtime_error("cannot lstat " + p.string());
  return st;
}

inline void set_mode(const fs::path &p, mode_t mode) {
  if (::chmod(p.c_str(), mode) != 0) throw std::runtime_error("cannot chmod " + p.string());
}

// Sets the mtime of `p` (a symlink itself, not its target) to `sec`.`nsec`.
inline void set_mtime(const fs::path &p, std::int64_t sec, long nsec) {
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(sec);
  times[1].tv_nsec = nsec;
  if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    throw std::runtime_error("cannot set mtime of " + p.string());
  }
}

// Sets a user.* attribute; false when the filesystem does not support them (ENOTSUP).
inline bool set_user_xattr(const fs::path &p, const std::string &name, const std::string &value) {
  if (::setxattr(p.c_str(), name.c_str(), value.data(), value.size(), 0) == 0) return true;
  if (errno == ENOTSUP) return false;
  throw std::runtime_error("cannot setxattr " + name + " on " + p.string());
}

// "name=value;..." of every attribute of `p` (not followed), sorted.
inline std::string xattrs_text(const fs::path &p) {
  std::string names(65536, '\0');
  const ssize_t n = ::llistxattr(p.c_str(), names.data(), names.size());
  if (n < 0) return errno == ENOTSUP ? "" : "(llistxattr failed)";
  names.resize(static_cast<std::size_t>(n));
  std::vector<std::string> parts;
  for (std::size_t pos = 0; pos < names.size();) {
    const std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    std::string value(65536, '\0');
    const ssize_t v = ::lgetxattr(p.c_str(), name.c_str(), value.data(), value.size());
    value.resize(v < 0 ? 0 : static_cast<std::size_t>(v));
    parts.push_back(name + "=" + value);
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto &part : parts) out += part + ";";
  return out;
}

// One line per entry of the tree at `dir`, keyed by relative path: kind, mode, owner, mtime in
// ns, attributes, and the content of a file or the target of a symlink. The directory itself
// is listed as "." unless `with_self` is false (for a directory that only holds what was
// restored, whose own mtime the restore's renames change).
inline std::map<std::string, std::string> listing(const fs::path &dir, bool with_self = true) {
  std::map<std::string, std::string> out;
  const auto describe = [](const fs::path &p) {
    const struct stat st = lstat_of(p);
    std::ostringstream line;
    line << (S_ISDIR(st.st_mode)   ? "dir"
             : S_ISLNK(st.st_mode) ? "link"
             : S_ISREG(st.st_mode) ? "file"
                                   : "other")
         << " mode=" << std::oct << (st.st_mode & 07777) << std::dec << " owner=" << st.st_uid
         << ":" << st.st_gid << " mtime=" << st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec
         << " xattrs=" << xattrs_text(p);
    if (S_ISREG(st.st_mode)) line << " content=" << read_file(p);
    if (S_ISLNK(st.st_mode)) line << " target=" << fs::read_symlink(p).string();
    return line.str();
  };
  if (with_self) out["."] = describe(dir);
  for (const auto &e : fs::recursive_directory_iterator(dir)) {
    out[fs::relative(e.path(), dir).string()] = describe(e.path());
  }
  return out;
}

// What differs between two listings, "" when nothing does.
inline std::string listing_diff(const std::map<std::string, std::string> &want,
                                const std::map<std::string, std::string> &got) {
  std::string out;
  for (const auto &[path, line] : want) {
    const auto it = got.find(path);
    if (it == got.end()) {
      out += "missing " + path + "\n";
    } else if (it->second != line) {
      out += path + ":\n  want " + line + "\n  got  " + it->second + "\n";
    }
  }
  for (const auto &[path, line] : got) {
    if (want.find(path) == want.end()) out += "extra " + path + ": " + line + "\n";
  }
  return out;
}

// A tree with nested directories, files (one 0600, one with CRLF), symlinks (relative, and
// dangling), an empty directory (0750) and a read-only one (0555); mtimes set to past times,
// children before their directories.
inline void make_tree(const fs::path &top) {
  fs::create_directories(top / "sub" / "deeper");
  fs::create_directories(top / "empty");
  fs::create_directories(top / "readonly");
  write_file(top / "a.txt", "alpha\r\n");
  write_file(top / "sub" / "b.bin", std::string("\x00\x01\xfe\xff", 4));
  write_file(top / "sub" / "deeper" / "c.txt", "gamma");
  write_file(top / "readonly" / "r.txt", "read only");
  fs::create_symlink("../a.txt", top / "sub" / "link");
  fs::create_symlink("nowhere/at/all", top / "dangling");
  set_mode(top / "sub" / "b.bin", 0600);
  set_mode(top / "empty", 0750);
  set_mtime(top / "sub" / "link", 1000000000, 5);
  set_mtime(top / "sub" / "deeper" / "c.txt", 1100000000, 123);
  set_mtime(top / "sub" / "deeper", 1200000000, 0);
  set_mtime(top / "sub", 1300000000, 999999999);
  set_mode(top / "readonly", 0555);
}

}  // namespace runtimo::backup::test
