// backup/backup_store.cpp — BackupStore: taking pre-images, their size, retention (see
// backup_store.hpp). restore() is in store_restore.cpp, the JSON in pre_image_json.cpp.
#include "backup/backup_store.hpp"

#include "backup/disk_usage.hpp"
#include "backup/node_copy.hpp"
#include "backup/remove_tree.hpp"
#include "backup/store_layout.hpp"
#include "backup/target_path.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace runtimo::backup {

BackupStore::BackupStore(std::filesystem::path root) : root_(std::move(root)) {
  root_ = root_.lexically_normal();
  if (!root_.has_filename()) root_ = root_.parent_path();  // "<home>/backups/" → "<home>/backups"
}

PreImage BackupStore::take(std::string_view job, unsigned index,
                           const std::filesystem::path &path, KnownContent *content) {
  check_job_name(job);
  const TargetPath target = split_target(path);
  PreImage pre;
  pre.path = path;
  const UniqueFd parent = open_parent(target.parent, MissingParents::absent);
  if (!parent.valid()) return pre;
  pre.parent_mtime_ns = mtime_ns(stat_fd(parent.get(), target.parent));
  const auto st = stat_entry(parent.get(), target.name, path);
  if (!st) return pre;
  kind_of(*st, path);  // a FIFO, socket or device is refused before anything is made

  const UniqueFd root = open_store_root(root_, StoreAccess::create);
  check_outside_store(parent.get(), target.name, root.get(), root_, path, "back up");
  const std::filesystem::path job_dir_path = root_ / std::string(job);
  // Synced below, with the copy's name in it.
  const UniqueFd job_dir = open_job_dir(root.get(), job, job_dir_path, StoreAccess::create_unsynced);
  const std::string stored = std::to_string(index);
  if (stat_entry(job_dir.get(), stored, job_dir_path / stored)) {
    throw BackupError("cannot back up " + path.string() + ": job " + std::string(job) +
                      " already has a backup number " + stored + " (" +
                      (job_dir_path / stored).string() + ")");
  }
  const std::string partial = partial_name(stored);
  remove_tree(job_dir.get(), partial, job_dir_path / partial);  // left by a crashed take

  CopyOptions options;
  const struct stat root_st = stat_fd(root.get(), root_);
  options.excluded = &root_st;  // also a bind mount of the store inside the tree
  options.excluded_shown = root_;
  try {
    pre.before = copy_node({parent.get(), target.name, path},
                           {job_dir.get(), partial, job_dir_path / partial}, options, content);
  } catch (const BackupError &) {
    // Nothing was stored: a job directory this take made (still empty) goes too, so has()
    // stays false. rmdir fails harmlessly when the job stored something before.
    ::unlinkat(root.get(), std::string(job).c_str(), AT_REMOVEDIR);
    throw;
  }
  if (::renameat(job_dir.get(), partial.c_str(), job_dir.get(), stored.c_str()) != 0) {
    const int err = errno;
    remove_tree(job_dir.get(), partial, job_dir_path / partial);
    throw_errno("rename " + (job_dir_path / partial).string() + " to", job_dir_path / stored, err);
  }
  sync_fd(job_dir.get(), job_dir_path);
  sync_fd(root.get(), root_);
  pre.stored = stored;
  return pre;
}

std::uint64_t BackupStore::bytes(std::string_view job) const {
  check_job_name(job);
  const UniqueFd root = open_store_root(root_, StoreAccess::existing);
  if (!root.valid()) return 0;
  return disk_usage(root.get(), std::string(job), root_ / std::string(job));
}

bool BackupStore::has(std::string_view job) const {
  check_job_name(job);
  const UniqueFd root = open_store_root(root_, StoreAccess::existing);
  if (!root.valid()) return false;
  const auto st = stat_entry(root.get(), std::string(job), root_ / std::string(job));
  return st && S_ISDIR(st->st_mode);
}

void BackupStore::remove(std::string_view job) const {
  check_job_name(job);
  const UniqueFd root = open_store_root(root_, StoreAccess::existing);
  if (!root.valid()) return;
  remove_tree(root.get(), std::string(job), root_ / std::string(job));
  sync_fd(root.get(), root_);
}

}  // namespace runtimo::backup
