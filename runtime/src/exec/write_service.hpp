// exec/write_service.hpp — the host's write service (rt_host_api, ABI 1.3): the only way a
// plugin changes files. Every function checks the write policy and the job's roots, records
// the path's pre-image (the first of each path in a job) in the backup store with a durable
// job.backup event, and only then mutates — relative to the checked parent directory, never
// following a symlink put in the way after the check — and durably (fsync of the file and of
// the directory). A dry run mutates nothing: every function refuses in one.
#pragma once

#include <runtimo/abi.h>

#include "backup/backup_store.hpp"

#include <boost/json/array.hpp>

#include <string>

namespace runtimo::exec {

struct Job;

namespace write {
rt_status backup(rt_job *job, rt_str path, rt_str *resolved);
rt_status write_file(rt_job *job, rt_str path, rt_str data, uint32_t how, uint32_t mode, rt_str *resolved);
rt_status make_dir(rt_job *job, rt_str path, uint32_t mode, uint32_t flags, rt_str *resolved);
rt_status remove_path(rt_job *job, rt_str path, uint32_t flags, rt_str *resolved);
rt_status rename_path(rt_job *job, rt_str from, rt_str to, uint32_t flags, rt_str *resolved);
// Not a mutation, but the digest the write service's callers compare with (expected_sha256).
rt_status file_sha256(rt_job *job, rt_str path, uint32_t access, rt_str *hex);
// Not a mutation either: the job's recorded pre-image of a path (ABI 1.5).
rt_status pre_image(rt_job *job, rt_str path, rt_str *record_json);
}  // namespace write

// The pre-image of the checked path `resolved` for `job` — the first of the job; else taken
// now into the backup store and journaled (job.backup, durable) before the caller mutates.
// The caller holds job.backups.mutex. Throws (backup::BackupError, wal errors) on failure.
const backup::PreImage &take_pre_image(Job &job, const std::string &resolved);

// What the job changed, for its terminal event and its result: for each path it backed up, in
// order, {path, stored, before: kind, after: the path's metadata now}. Empty when it backed
// up nothing. Undo compares the paths' state with `after` to find changes made since.
boost::json::array job_mutations(Job &job);

}  // namespace runtimo::exec
