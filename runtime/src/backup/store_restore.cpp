// backup/store_restore.cpp — BackupStore::restore (see backup_store.hpp).
//
// Steps, each safe to interrupt (the next restore starts over from step 3 and completes):
//   1. check the names, open the job's directory in the store (non-absent) and the target's
//      directory without following symlinks (creating missing ones, 0755, for non-absent);
//   2. refuse a target inside the store or a directory that holds it;
//   3. remove .runtimo-restore-* / .runtimo-aside-* leftovers of an interrupted restore;
//   4. absent: remove what is at the target (a directory renamed aside first);
//      otherwise: rebuild the stored copy as .runtimo-restore-<random> with the recorded
//      metadata, check its digest against the pre-image, and swap it in (replace_entry.hpp);
//   5. put the directory's recorded mtime back, and fsync it.
#include "backup/backup_store.hpp"

#include "backup/metadata_apply.hpp"
#include "backup/node_copy.hpp"
#include "backup/remove_tree.hpp"
#include "backup/replace_entry.hpp"
#include "backup/store_layout.hpp"
#include "backup/target_path.hpp"

namespace runtimo::backup {

namespace {

std::string describe(Kind kind, const std::string &sha256) {
  return std::string(to_string(kind)) + (sha256.empty() ? "" : " sha256 " + sha256);
}

}  // namespace

void BackupStore::restore(std::string_view job, const PreImage &p) const {
  check_job_name(job);
  const TargetPath target = split_target(p.path);
  const bool absent = p.before.kind == Kind::absent;
  const std::filesystem::path job_dir_path = root_ / std::string(job);
  const UniqueFd root = open_store_root(root_, StoreAccess::existing);
  UniqueFd job_dir;
  if (!absent) {
    check_stored_name(p.stored, "cannot restore " + p.path.string());
    if (root.valid()) job_dir = open_job_dir(root.get(), job, job_dir_path, StoreAccess::existing);
    if (!job_dir.valid()) {
      throw BackupError("cannot restore " + p.path.string() + ": nothing is stored for job " +
                        std::string(job) + " in " + root_.string());
    }
    if (!stat_entry(job_dir.get(), p.stored, job_dir_path / p.stored)) {
      throw BackupError("cannot restore " + p.path.string() + ": its stored copy " +
                        (job_dir_path / p.stored).string() + " is missing");
    }
  }

  const UniqueFd parent =
      open_parent(target.parent, absent ? MissingParents::absent : MissingParents::create);
  if (!parent.valid()) return;  // absent, and so is the directory that would hold it
  if (root.valid())
    check_outside_store(parent.get(), target.name, root.get(), root_, p.path, "restore");
  remove_leftovers(parent.get(), target.parent);

  if (absent) {
    remove_entry(parent.get(), target.name, target.parent);
  } else {
    const std::string temp = unused_name(parent.get(), kRestorePrefix, target.parent);
    const std::filesystem::path temp_path = target.parent / temp;
    CopyOptions options;
    options.top_metadata = &p.before;
    const Metadata built = copy_node({job_dir.get(), p.stored, job_dir_path / p.stored},
                                     {parent.get(), temp, temp_path}, options);
    if (built.kind != p.before.kind || built.sha256 != p.before.sha256) {
      remove_tree(parent.get(), temp, temp_path);
      throw BackupError("cannot restore " + p.path.string() + ": the stored copy " +
                        (job_dir_path / p.stored).string() + " is a " +
                        describe(built.kind, built.sha256) + ", but the pre-image records a " +
                        describe(p.before.kind, p.before.sha256) + " (the backup is damaged)");
    }
    replace_entry(parent.get(), temp, target.name, target.parent);
  }
  if (p.parent_mtime_ns) set_mtime(parent.get(), *p.parent_mtime_ns, target.parent);
  sync_fd(parent.get(), target.parent);
}

}  // namespace runtimo::backup
