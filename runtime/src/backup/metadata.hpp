// backup/metadata.hpp — what a path is, as a pre-image records it: kind, mode, owner, mtime,
// size, content digest, link target, hard-link count and extended attributes; reading it from
// the filesystem (inspect) and to and from the JSON of a job.backup event.
//
// Digests: a file's is sha256_hex_of_fd of its content (file_digest.hpp, included here because
// every user of a Metadata compares those), a symlink's the SHA-256 of its target text, a
// directory's the tree digest of tree_digest.hpp.
#pragma once

#include "backup/backup_error.hpp"
#include "backup/file_digest.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::backup {

class KnownDigests;  // known_digests.hpp

enum class Kind { absent, file, directory, symlink };

// "absent" | "file" | "directory" | "symlink".
std::string_view to_string(Kind kind);

// The Kind named by `text` (to_string's inverse), nullopt for any other text.
std::optional<Kind> kind_from_string(std::string_view text);

// One extended attribute; `value` is raw bytes (may hold NULs).
struct Xattr {
  std::string name;
  std::string value;
  bool operator==(const Xattr &) const = default;
};

struct Metadata {
  Kind kind = Kind::absent;
  std::uint32_t mode = 0;  // st_mode & 07777 (0777 for a symlink)
  std::uint32_t uid = 0, gid = 0;
  std::int64_t mtime_ns = 0;  // st_mtim as nanoseconds since the epoch
  // file: bytes; directory: number of entries in the tree (recursive, the directory itself not
  // counted); symlink: length of the target.
  std::uint64_t size = 0;
  // Lowercase hex. file: of the content; symlink: of the target text; directory: the tree
  // digest (tree_digest.hpp: every entry's relative path, kind, mode and content digest, sorted,
  // so equal trees have equal digests); absent: "".
  std::string sha256;
  std::string link_target;  // symlink only (raw bytes)
  std::uint64_t links = 1;  // st_nlink: a file with other hard links shows > 1
  // Every extended attribute llistxattr lists and lgetxattr reads (user.*, security.*,
  // system.posix_acl_*, trusted.* for root), sorted by name.
  std::vector<Xattr> xattrs;

  bool operator==(const Metadata &) const = default;
};
// An absent path is a default-constructed Metadata (kind absent, every other field default).

// What `path` is now. `path` must be absolute and normalised (no ".", "..", empty components
// or trailing '/'); no symlink is followed anywhere on it: a symlink as the last component is
// described, not followed, and a symlink among the parent directories is refused. A path whose
// parent does not exist (or is not a directory) is absent. Throws BackupError for a FIFO,
// socket or device (at the path or, for a directory, anywhere inside it), for a directory that
// changes while it is read, and for any failed system call.
//
// `skipped`: absolute paths below `path` a directory's size and tree digest leave out, with
// everything below them (undo judges a directory apart from the paths inside it that the same
// job changed, since it restores those itself).
// `known`: digests the caller already knows (known_digests.hpp); a file found there with the
// same stamp is not read.
Metadata inspect(const std::filesystem::path &path, const std::vector<std::filesystem::path> &skipped = {},
                 const KnownDigests *known = nullptr);

// {"kind", "mode", "uid", "gid", "mtime_ns", "size", "sha256", "links", "xattrs": [{"name",
// "value_base64"}], and for a symlink "link_target"} — just {"kind": "absent"} for an absent
// path. mode, ids, mtime (ns), size and links are JSON integers, sha256 hex. A link target or
// attribute name that is not UTF-8 goes in "link_target_base64" / "name_base64" instead, so
// every byte survives.
boost::json::object to_json(const Metadata &m);

// to_json's inverse; throws BackupError("malformed backup metadata: <field>: <what>") for a
// missing or mistyped field, an unknown kind, a mode above 07777, a digest that is not 64 hex
// digits, bad base64 or a duplicated attribute. Keys it does not know are ignored.
Metadata metadata_from_json(const boost::json::object &o);

}  // namespace runtimo::backup
