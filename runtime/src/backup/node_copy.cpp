// backup/node_copy.cpp — see node_copy.hpp.
#include "backup/node_copy.hpp"

#include "backup/content_copy.hpp"
#include "backup/known_digests.hpp"
#include "backup/metadata_apply.hpp"
#include "backup/posix_file.hpp"
#include "backup/remove_tree.hpp"
#include "backup/replace_entry.hpp"
#include "backup/tree_digest.hpp"

#include <set>
#include "backup/xattrs.hpp"
#include "util/digest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace runtimo::backup {

namespace {

// One walk: its options, every entry met below the top directory, and whether the top
// destination node was made (so a failure removes it, and only if this walk made it).
struct Walk {
  const CopyOptions &options;
  std::vector<TreeEntry> entries;
  bool made_top = false;
  const std::set<std::string> *skipped = nullptr;  // relative paths left out (describe only)
  const KnownDigests *known = nullptr;              // digests already known (describe only)
  KnownContent *top_content = nullptr;              // receives the top file's stamp and digest (copy only)
};

// The fields every kind takes from lstat.
Metadata from_stat(const struct stat &st, Kind kind) {
  Metadata m;
  m.kind = kind;
  m.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  m.uid = st.st_uid;
  m.gid = st.st_gid;
  m.mtime_ns = mtime_ns(st);
  m.links = static_cast<std::uint64_t>(st.st_nlink);
  return m;
}

// What the copy of a node gets: the options' top metadata for the top node when given, else
// the source's own.
const Metadata &to_apply(const Metadata &own, bool top, const Walk &walk) {
  return top && walk.options.top_metadata != nullptr ? *walk.options.top_metadata : own;
}

// The source must read the same after the walk as before it.
void check_unchanged(const struct stat &before, const struct stat &after,
                     const std::filesystem::path &shown) {
  const bool same = before.st_size == after.st_size &&
                    before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
                    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec &&
                    before.st_ctim.tv_sec == after.st_ctim.tv_sec &&
                    before.st_ctim.tv_nsec == after.st_ctim.tv_nsec;
  if (!same) throw BackupError(shown.string() + " changed while being read (try again)");
}

// readlinkat of a symlink whose lstat said `size` bytes (0 on some filesystems: then grown).
std::string read_link(const NodeRef &src, std::size_t size) {
  std::string target(size + 1, '\0');
  for (;;) {
    const ssize_t n = ::readlinkat(src.dir_fd, src.name.c_str(), target.data(), target.size());
    if (n < 0) throw_errno("read symlink", src.shown, errno);
    if (static_cast<std::size_t>(n) < target.size()) {
      target.resize(static_cast<std::size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);  // it may have been truncated: ask again with more room
  }
}

Metadata visit(const NodeRef &src, const NodeRef *dst, const std::string &rel, Walk &walk);

Metadata visit_file(const NodeRef &src, const struct stat &st, const NodeRef *dst, bool top,
                    Walk &walk) {
  const UniqueFd in = open_known(src.dir_fd, src.name, O_RDONLY, st, src.shown);
  Metadata m = from_stat(st, Kind::file);
  m.xattrs = read_xattrs(XattrNode::open_fd(in.get(), src.shown));
  if (dst == nullptr) {
    m.size = static_cast<std::uint64_t>(st.st_size);
    const KnownContent *known = walk.known != nullptr ? walk.known->find(src.shown, st) : nullptr;
    m.sha256 = known != nullptr ? known->digest.hex() : sha256_hex_of_fd(in.get(), src.shown);
  } else {
    const UniqueFd out(::openat(dst->dir_fd, dst->name.c_str(),
                                O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out.valid()) throw_errno("create", dst->shown, errno);
    walk.made_top = walk.made_top || top;
    CopiedContent copied = copy_content(in.get(), out.get(), src.shown, dst->shown);
    m.size = copied.size;
    m.sha256 = copied.digest.hex();
    apply_metadata(out.get(), to_apply(m, top, walk), dst->shown);
    sync_fd(out.get(), dst->shown);
    if (top && walk.top_content != nullptr) *walk.top_content = {ContentStamp::of(st), copied.digest};
  }
  check_unchanged(st, stat_fd(in.get(), src.shown), src.shown);
  return m;
}

Metadata visit_symlink(const NodeRef &src, const struct stat &st, const NodeRef *dst, bool top,
                       Walk &walk) {
  Metadata m = from_stat(st, Kind::symlink);
  m.link_target = read_link(src, static_cast<std::size_t>(st.st_size));
  m.size = m.link_target.size();
  m.sha256 = util::sha256_hex(m.link_target);
  m.xattrs = read_xattrs(XattrNode::link(src.dir_fd, src.name, src.shown));
  if (dst != nullptr) {
    if (::symlinkat(m.link_target.c_str(), dst->dir_fd, dst->name.c_str()) != 0) {
      throw_errno("create symlink", dst->shown, errno);
    }
    walk.made_top = walk.made_top || top;
    apply_link_metadata(dst->dir_fd, dst->name, to_apply(m, top, walk), dst->shown);
  }
  return m;
}

Metadata visit_directory(const NodeRef &src, const struct stat &st, const NodeRef *dst,
                         const std::string &rel, Walk &walk) {
  const bool top = rel.empty();
  if (walk.options.excluded != nullptr && same_inode(st, *walk.options.excluded)) {
    throw BackupError("cannot back up " + src.shown.string() +
                      ": it is or contains the backup store " +
                      walk.options.excluded_shown.string());
  }
  const UniqueFd in = open_known(src.dir_fd, src.name, O_RDONLY | O_DIRECTORY, st, src.shown);
  Metadata m = from_stat(st, Kind::directory);
  m.xattrs = read_xattrs(XattrNode::open_fd(in.get(), src.shown));
  UniqueFd out;
  if (dst != nullptr) {
    // 0700 while it is filled (a recorded 0555 would forbid adding its entries); the recorded
    // mode comes with the rest of its metadata, after the entries.
    if (::mkdirat(dst->dir_fd, dst->name.c_str(), 0700) != 0) {
      throw_errno("create directory", dst->shown, errno);
    }
    walk.made_top = walk.made_top || top;
    out = UniqueFd(
        ::openat(dst->dir_fd, dst->name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!out.valid()) throw_errno("open directory", dst->shown, errno);
  }
  for (const auto &name : list_names(in.get(), src.shown)) {
    const std::string child_rel = rel.empty() ? name : rel + "/" + name;
    if (is_leftover(name) || (walk.skipped != nullptr && walk.skipped->contains(child_rel))) continue;
    const NodeRef child_src{in.get(), name, src.shown / name};
    const NodeRef child_dst{out.get(), name,
                            dst != nullptr ? dst->shown / name : std::filesystem::path()};
    const Metadata child = visit(child_src, dst != nullptr ? &child_dst : nullptr, child_rel, walk);
    walk.entries.push_back({child_rel, child.kind, child.mode,
                            child.kind == Kind::directory ? std::string() : child.sha256});
  }
  if (dst != nullptr) {
    apply_metadata(out.get(), to_apply(m, top, walk), dst->shown);
    sync_fd(out.get(), dst->shown);
  }
  check_unchanged(st, stat_fd(in.get(), src.shown), src.shown);
  return m;  // size and sha256 are the top's to fill in: they need the whole tree
}

// `rel` is the path below the top node ("" for the top itself).
Metadata visit(const NodeRef &src, const NodeRef *dst, const std::string &rel, Walk &walk) {
  const auto st = stat_entry(src.dir_fd, src.name, src.shown);
  if (!st) throw BackupError(src.shown.string() + " disappeared while being read (try again)");
  const bool top = rel.empty();
  switch (kind_of(*st, src.shown)) {
    case Kind::file:
      return visit_file(src, *st, dst, top, walk);
    case Kind::symlink:
      return visit_symlink(src, *st, dst, top, walk);
    case Kind::directory:
      return visit_directory(src, *st, dst, rel, walk);
    case Kind::absent:
      break;
  }
  return {};  // kind_of never says absent
}

Metadata walk_top(const NodeRef &src, const NodeRef *dst, Walk &walk, std::vector<TreeEntry> *entries = nullptr) {
  Metadata m = visit(src, dst, "", walk);
  if (m.kind == Kind::directory) {
    m.size = walk.entries.size();
    if (entries != nullptr) *entries = walk.entries;
    m.sha256 = tree_digest(std::move(walk.entries));
  }
  return m;
}

}  // namespace

Kind kind_of(const struct stat &st, const std::filesystem::path &shown) {
  if (S_ISREG(st.st_mode)) return Kind::file;
  if (S_ISDIR(st.st_mode)) return Kind::directory;
  if (S_ISLNK(st.st_mode)) return Kind::symlink;
  throw BackupError("cannot back up " + shown.string() + ": it is a " +
                    special_file_name(st.st_mode) +
                    " (only regular files, directories and symlinks can be backed up)");
}

Metadata describe_node(const NodeRef &src, const std::set<std::string> *skipped, std::vector<TreeEntry> *entries,
                       const KnownDigests *known) {
  const CopyOptions none;
  Walk walk{none, {}, false, skipped, known};
  return walk_top(src, nullptr, walk, entries);
}

Metadata copy_node(const NodeRef &src, const NodeRef &dst, const CopyOptions &options, KnownContent *top_content) {
  Walk walk{options, {}, false, nullptr, nullptr, top_content};
  try {
    return walk_top(src, &dst, walk);
  } catch (...) {
    if (walk.made_top) {
      try {
        remove_tree(dst.dir_fd, dst.name, dst.shown);
      } catch (const BackupError &) {
        // The copy's own error is the one to report; a leftover is cleaned by the next take
        // or restore of this name.
      }
    }
    throw;
  }
}

}  // namespace runtimo::backup
