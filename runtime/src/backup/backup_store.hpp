// backup/backup_store.hpp — the pre-images of what jobs mutate, under <home>/backups/, and
// putting them back (undo).
//
// Layout: <root>/<job>/<index> is the copy of the index-th path a job backed up (index chosen
// by the caller, unique in the job): a file, a symlink or a whole directory tree, with the
// original's mode, owner (where permitted), extended attributes and mtime. An absent path
// stores nothing. <root> and each <root>/<job> are mode 0700. A copy is first made under
// <root>/<job>/.partial-<index> and renamed into place once complete and durable, so a name
// <index> is always a whole copy; a .partial-* left by a crash is removed by the next take of
// that index.
//
// Paths given to take() and restore() must be absolute and normalised, and already allowed by
// the caller's path policy; no symlink anywhere on them is followed (target_path.hpp,
// node_copy.hpp). Neither may reach into the store, or replace a directory that holds it.
//
// Restores build the new node under .runtimo-restore-<random> in the target's directory and
// swap it in; a directory being removed is first renamed to .runtimo-aside-<random>. Those
// prefixes (and .runtimo-write-, the write service's temporary files) are reserved: inspect()
// and take() leave such entries out, and any entry so named in a target's directory is a leftover of an
// interrupted restore and is removed by the next restore into that directory (restores into
// one directory must therefore not run concurrently). Every error is a BackupError.
#pragma once

#include "backup/known_digests.hpp"
#include "backup/metadata.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::backup {

// One backed-up path: what it was, and where its copy is.
struct PreImage {
  std::filesystem::path path;  // the absolute path that was backed up
  Metadata before;             // what it was
  std::string stored;          // its copy, relative to <root>/<job>/ ("" for absent)
  // The mtime of the directory that held the path when it was backed up (unset when that
  // directory did not exist): a mutation of an entry changes its directory's mtime, and
  // restore() puts it back, so an undone tree matches its listing exactly.
  std::optional<std::int64_t> parent_mtime_ns;

  bool operator==(const PreImage &) const = default;
};

// {"path", "before": to_json(Metadata), "stored", "parent_mtime_ns" (when set)}; a path that is
// not UTF-8 goes in "path_base64" instead.
boost::json::object to_json(const PreImage &p);

// to_json's inverse; throws BackupError("malformed backup pre-image: ...") when a field is
// missing or wrong: a relative path, a "stored" that is not one plain name (or is set for an
// absent pre-image, or empty for another), malformed metadata.
PreImage pre_image_from_json(const boost::json::object &o);

class BackupStore {
 public:
  // `root` is <home>/backups; it is created (mode 0700, its parent must exist) on the first
  // take() that stores something. The root itself may not be a symlink; the directories
  // above it are the runtime's own configuration and are opened as they are.
  explicit BackupStore(std::filesystem::path root);

  const std::filesystem::path &root() const { return root_; }

  // Records the pre-image of `path` as the `index`-th backup of `job` (a job id: a plain
  // name, not starting with '.'). What is at `path` is described with inspect()'s rules and
  // copied to <root>/<job>/<index>, durably: file content with ioctl(FICLONE) where the
  // filesystem can, else copy_file_range, else read/write; then owner (where permitted), mode,
  // extended attributes and mtime; fsync of every file and directory made, then of
  // <root>/<job> and <root>. A directory is copied recursively (symlinks in it as symlinks);
  // a symlink is copied as a symlink with the same target, never followed. An absent path
  // stores nothing (stored = ""). Throws for a FIFO, socket or device (at the path or inside
  // a directory: nothing is stored then), an index the job already used, a path inside the
  // store or a directory that contains it, and failed system calls. When the path is a regular
  // file, `content` (may be null) receives its stamp and the copy's digest state.
  PreImage take(std::string_view job, unsigned index, const std::filesystem::path &path,
                KnownContent *content = nullptr);

  // Puts `p.path` back to exactly what `p.before` says, from the copy in <root>/<job>/:
  //  - file, symlink, directory: the copy is rebuilt as .runtimo-restore-<random> in the
  //    target's directory (missing parent directories are created, mode 0755), with the
  //    recorded owner (where permitted: a non-root process keeps its own), mode, attributes and
  //    mtime (a directory's after its content), every file and directory fsynced; its digest
  //    must equal p.before.sha256 (a damaged copy is refused and nothing changes). It then
  //    replaces whatever is at the path in one renameat2(RENAME_EXCHANGE) (or, where the
  //    filesystem cannot, a directory there is renamed aside first), and the old node is
  //    removed recursively. A directory comes back exactly, not merged: entries added since are
  //    gone.
  //  - absent: whatever is at the path is removed (a directory recursively, renamed aside
  //    first).
  // The directory then gets back the mtime it had when the path was backed up
  // (p.parent_mtime_ns; a process that is not the directory's owner or root leaves it) and is
  // fsynced. Leftover .runtimo-restore-* / .runtimo-aside-* names there are removed first, so restore is idempotent: re-running it after a crash at any
  // point completes it.
  void restore(std::string_view job, const PreImage &p) const;

  // Bytes on disk (st_blocks) of everything stored for `job`; 0 when nothing is.
  std::uint64_t bytes(std::string_view job) const;

  // Whether anything is stored for `job` (its directory exists).
  bool has(std::string_view job) const;

  // Removes everything stored for `job` (retention), durably; nothing stored is not an error.
  void remove(std::string_view job) const;

 private:
  std::filesystem::path root_;
};

}  // namespace runtimo::backup
