// exec/write_service.cpp — see write_service.hpp.
//
// Every function follows the same steps: look the handle up; refuse during validate and in a
// dry run; resolve and check each path (write policy, roots); open the parent directory
// without following symlinks; take the pre-image (once per path and job, journaled durably
// before anything changes); mutate with *at() calls relative to that directory, O_NOFOLLOW on
// the last component; fsync what changed.
#include "exec/write_service.hpp"

#include "backup/backup_store.hpp"
#include "backup/posix_file.hpp"
#include "backup/remove_tree.hpp"
#include "backup/replace_entry.hpp"
#include "exec/host_call_support.hpp"
#include "exec/job_context.hpp"
#include "exec/job_handles.hpp"
#include "exec/journal_bounds.hpp"
#include "policy/no_follow_open.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::exec {
namespace {

namespace json = boost::json;

// A failure that has a status and a message (and maybe a hint) for the plugin.
struct Refused {
  rt_status status;
  std::string message;
  std::string hint;
};

Refused os_error(const std::string &what, int err) {
  const rt_status st = err == ENOENT ? RT_NOT_FOUND : (err == EACCES || err == EPERM || err == EROFS) ? RT_DENIED : RT_FAILED;
  return Refused{st, what + ": " + std::strerror(err), {}};
}

// The parent directory of a checked path, opened without following any symlink, and the name
// in it.
struct Parent {
  backup::UniqueFd dir;
  std::string path;  // of the directory
  std::string name;
};

Parent open_parent(const std::string &resolved) {
  const auto slash = resolved.find_last_of('/');
  Parent p;
  p.path = slash == 0 ? std::string("/") : resolved.substr(0, slash);
  p.name = resolved.substr(slash + 1);
  if (p.name.empty() || p.name == "." || p.name == "..")
    throw Refused{RT_INVALID_ARGS, "cannot change " + resolved + ": it names no file", {}};
  int fd = -1;
  const auto d = policy::open_without_symlinks(
      p.path, O_RDONLY | O_DIRECTORY,
      [&](const struct stat &st) {
        return S_ISDIR(st.st_mode) ? policy::PathDecision{}
                                   : policy::PathDecision::refused(RT_INVALID_ARGS, p.path + " is not a directory");
      },
      &fd);
  if (!d.ok()) throw Refused{d.status, d.message, d.hint};
  p.dir = backup::UniqueFd(fd);
  return p;
}

// What is at `name` in `dir` now (never following it); nullopt when nothing is.
std::optional<struct stat> stat_at(const Parent &p) {
  struct stat st {};
  if (::fstatat(p.dir.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  throw os_error("cannot look at " + p.path + "/" + p.name, errno);
}

void fsync_dir(const Parent &p) {
  if (::fsync(p.dir.get()) != 0) throw os_error("cannot make " + p.path + " durable (fsync)", errno);
}

void write_all(int fd, std::string_view data, const std::string &what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw os_error("cannot write " + what, errno);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// A write-service call: the job, its phase and dry run checked.
class Call {
 public:
  Call(rt_job *handle, const char *function) : job_(handle), function_(function) {}
  explicit operator bool() const { return static_cast<bool>(job_); }
  Job &job() { return *job_; }

  // Runs `body` (which throws Refused or anything else), returning its status and recording a
  // refusal on the job.
  template <class Body>
  rt_status run(Body body) {
    if (!job_) return RT_INVALID_ARGS;
    if (job_->phase != JobPhase::execute) return refuse_in_validate(*job_, function_);
    if (job_->dry_run) {
      record_error(*job_, RT_INVALID_ARGS,
                   std::string(function_) + " changes the machine, and this job is a dry run",
                   "describe what the job would do with set_output() when dry_run() is 1");
      return RT_INVALID_ARGS;
    }
    if (job_->services->backups == nullptr) {
      record_error(*job_, RT_INTERNAL, std::string(function_) + ": this runtime has no backup store", {});
      return RT_INTERNAL;
    }
    try {
      std::lock_guard lock(job_->backups.mutex);  // one mutation of a job at a time
      return body();
    } catch (const Refused &r) {
      record_error(*job_, r.status, std::string(function_) + ": " + r.message, r.hint);
      return r.status;
    } catch (const std::exception &e) {
      record_error(*job_, RT_FAILED, std::string(function_) + ": " + e.what(), {});
      return RT_FAILED;
    }
  }

  // The path checked for writing — the directory entry itself (its last component not
  // followed) when `entry`; throws Refused with the policy's reason.
  std::string checked(rt_str path, bool entry = false) {
    std::string resolved;
    const rt_status st = check_job_path(*job_, view(path), RT_ACCESS_WRITE | (entry ? RT_ACCESS_ENTRY : 0u), resolved);
    if (st != RT_OK) {
      std::lock_guard lock(job_->mutex);
      throw Refused{st, job_->error_message, job_->error_hint};
    }
    return resolved;
  }

  const backup::PreImage &backed_up(const std::string &resolved) { return take_pre_image(*job_, resolved); }

  rt_str keep(std::string text) { return job_->keep(std::move(text)); }

 private:
  JobAccess job_;
  const char *function_;
};

// Creates the missing ancestors of `resolved` (each backed up as absent first), outermost first.
void make_parents(Call &call, const std::string &resolved) {
  std::vector<std::string> missing;
  for (std::string dir = resolved.substr(0, resolved.find_last_of('/')); dir.size() > 1;
       dir = dir.substr(0, dir.find_last_of('/'))) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) throw Refused{RT_INVALID_ARGS, dir + " exists and is not a directory", {}};
      break;
    }
    if (errno != ENOENT) throw os_error("cannot look at " + dir, errno);
    missing.push_back(dir);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    call.backed_up(*it);
    const Parent p = open_parent(*it);
    if (::mkdirat(p.dir.get(), p.name.c_str(), 0755) != 0 && errno != EEXIST)
      throw os_error("cannot create the directory " + *it, errno);
    fsync_dir(p);
  }
}

// The stamp of the open file `fd` (what the job's known digests key its content by).
backup::ContentStamp stamp_of(int fd, const std::string &what) {
  return backup::ContentStamp::of(backup::stat_fd(fd, what));
}

// The content just written to `target` (stamp now, digest of `data` after `base`, the old
// content's digest for an append) is what the job knows it holds.
void remember_written(Job &job, const std::string &target, const backup::ContentStamp &stamp, std::string_view data,
                      const backup::Sha256Stream &base = {}) {
  backup::KnownContent known{stamp, base};
  known.digest.update(data);
  job.backups.known.remember(target, std::move(known));
}

// Replaces the file at `p` with `data` atomically, keeping the old file's mode, owner and
// extended attributes (from its pre-image); returns the new file's stamp.
backup::ContentStamp replace_file(const Parent &p, std::string_view data, const backup::Metadata &before, mode_t new_mode) {
  const std::string target = p.path + "/" + p.name;
  const std::string temp = backup::unused_name(p.dir.get(), backup::kWritePrefix, p.path);
  const bool existed = before.kind == backup::Kind::file;
  const mode_t mode = existed ? static_cast<mode_t>(before.mode) : new_mode;
  backup::UniqueFd fd(::openat(p.dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777));
  if (!fd.valid()) throw os_error("cannot create a temporary file in " + p.path, errno);
  try {
    write_all(fd.get(), data, target);
    if (::fchmod(fd.get(), mode & 07777) != 0) throw os_error("cannot set the mode of " + target, errno);
    if (existed) {
      // The owner is kept where this process may set it (root, or the owner already).
      if (::fchown(fd.get(), before.uid, before.gid) != 0 && errno != EPERM)
        throw os_error("cannot keep the owner of " + target, errno);
      for (const auto &x : before.xattrs)
        if (::fsetxattr(fd.get(), x.name.c_str(), x.value.data(), x.value.size(), 0) != 0 && errno != ENOTSUP &&
            errno != EPERM)
          throw os_error("cannot keep the extended attribute " + x.name + " of " + target, errno);
    }
    if (::fsync(fd.get()) != 0) throw os_error("cannot make " + target + " durable (fsync)", errno);
    if (::renameat(p.dir.get(), temp.c_str(), p.dir.get(), p.name.c_str()) != 0)
      throw os_error("cannot put the new " + target + " in place", errno);
  } catch (...) {
    ::unlinkat(p.dir.get(), temp.c_str(), 0);
    throw;
  }
  fsync_dir(p);
  return stamp_of(fd.get(), target);
}

// Opens the existing regular file at `p` for appending: judged by fstatat first, opened
// without following a symlink and without blocking, and checked to be the same inode.
backup::UniqueFd open_for_append(const Parent &p, const struct stat &seen) {
  backup::UniqueFd fd(::openat(p.dir.get(), p.name.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) throw os_error("cannot open " + p.path + "/" + p.name + " to append", errno);
  struct stat now {};
  if (::fstat(fd.get(), &now) != 0 || now.st_ino != seen.st_ino || now.st_dev != seen.st_dev || !S_ISREG(now.st_mode))
    throw Refused{RT_DENIED, p.path + "/" + p.name + " changed while it was being opened", {}};
  return fd;
}

// Whether the directory at `p` has no entries.
bool empty_dir(const Parent &p) {
  const backup::UniqueFd fd(::openat(p.dir.get(), p.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) throw os_error("cannot open the directory " + p.path + "/" + p.name, errno);
  return backup::list_names(fd.get(), p.path + "/" + p.name).empty();
}

}  // namespace

namespace write {

rt_status backup(rt_job *handle, rt_str path, rt_str *resolved) {
  Call call(handle, "backup");
  return call.run([&] {
    const std::string target = call.checked(path);
    call.backed_up(target);
    call.job().backups.known.distrust(target);  // the plugin changes it by other means now
    if (resolved != nullptr) *resolved = call.keep(target);
    return RT_OK;
  });
}

rt_status write_file(rt_job *handle, rt_str path, rt_str data, uint32_t how_flags, uint32_t mode, rt_str *resolved) {
  Call call(handle, "write_file");
  return call.run([&] {
    const uint32_t how = how_flags & RT_WRITE_HOW_MASK;
    if (how != RT_WRITE_REPLACE && how != RT_WRITE_APPEND && how != RT_WRITE_CREATE_NEW)
      throw Refused{RT_INVALID_ARGS, "unknown write mode " + std::to_string(how), "use RT_WRITE_REPLACE, RT_WRITE_APPEND or RT_WRITE_CREATE_NEW"};
    if (mode > 07777) throw Refused{RT_INVALID_ARGS, "the mode " + std::to_string(mode) + " is not a permission mode (0 to 07777)", {}};
    const std::string target = call.checked(path);
    if ((how_flags & RT_WRITE_CREATE_PARENTS) != 0) make_parents(call, target);
    const Parent p = open_parent(target);
    const auto st = stat_at(p);
    if (st && !S_ISREG(st->st_mode))
      throw Refused{RT_INVALID_ARGS, target + " is not a regular file (a directory, symlink, FIFO or device); nothing was written", {}};
    if (st && how == RT_WRITE_CREATE_NEW)
      throw Refused{RT_FAILED, target + " already exists; nothing was written", "use mode overwrite to replace it"};
    if (st && how == RT_WRITE_APPEND && st->st_nlink > 1 && (how_flags & RT_WRITE_HARDLINKED) == 0)
      throw Refused{RT_DENIED, target + " has " + std::to_string(st->st_nlink) + " hard links: appending in place changes every one of them",
                    "set allow_hardlinked (FileWrite; RT_WRITE_HARDLINKED for a plugin) to append anyway, or overwrite it (which replaces only this name)"};
    const backup::PreImage &pre = call.backed_up(target);
    const mode_t new_mode = mode == 0 ? 0644 : static_cast<mode_t>(mode);
    Job &job = call.job();
    if (how == RT_WRITE_REPLACE || (how == RT_WRITE_APPEND && !st)) {
      remember_written(job, target, replace_file(p, view(data), pre.before, new_mode), view(data));
    } else if (how == RT_WRITE_CREATE_NEW) {
      backup::UniqueFd fd(::openat(p.dir.get(), p.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, new_mode));
      if (!fd.valid()) {
        if (errno == EEXIST) throw Refused{RT_FAILED, target + " already exists; nothing was written", {}};
        throw os_error("cannot create " + target, errno);
      }
      write_all(fd.get(), view(data), target);
      if (::fchmod(fd.get(), new_mode) != 0 || ::fsync(fd.get()) != 0) throw os_error("cannot make " + target + " durable", errno);
      fsync_dir(p);
      remember_written(job, target, stamp_of(fd.get(), target), view(data));
    } else {
      // The old content's digest state, when the job knows it (its pre-image, just copied),
      // continued with the appended bytes is the new digest: the file is not read again.
      const backup::KnownContent *old = job.backups.known.find(target, *st);
      const std::optional<backup::Sha256Stream> base = old != nullptr ? std::optional(old->digest) : std::nullopt;
      job.backups.known.forget(target);
      const backup::UniqueFd fd = open_for_append(p, *st);
      write_all(fd.get(), view(data), target);
      if (::fsync(fd.get()) != 0) throw os_error("cannot make " + target + " durable (fsync)", errno);
      if (base) remember_written(job, target, stamp_of(fd.get(), target), view(data), *base);
    }
    if (resolved != nullptr) *resolved = call.keep(target);
    return RT_OK;
  });
}

rt_status make_dir(rt_job *handle, rt_str path, uint32_t mode, uint32_t flags, rt_str *resolved) {
  Call call(handle, "make_dir");
  return call.run([&] {
    if (mode > 07777) throw Refused{RT_INVALID_ARGS, "the mode " + std::to_string(mode) + " is not a permission mode (0 to 07777)", {}};
    const std::string target = call.checked(path);
    if ((flags & RT_WRITE_CREATE_PARENTS) != 0) make_parents(call, target);
    const Parent p = open_parent(target);
    if (const auto st = stat_at(p)) {
      if (!S_ISDIR(st->st_mode)) throw Refused{RT_FAILED, target + " exists and is not a directory", {}};
    } else {
      call.backed_up(target);
      const mode_t m = mode == 0 ? 0755 : static_cast<mode_t>(mode);
      if (::mkdirat(p.dir.get(), p.name.c_str(), m) != 0) throw os_error("cannot create the directory " + target, errno);
      fsync_dir(p);
    }
    if (resolved != nullptr) *resolved = call.keep(target);
    return RT_OK;
  });
}

rt_status remove_path(rt_job *handle, rt_str path, uint32_t flags, rt_str *resolved) {
  Call call(handle, "remove_path");
  return call.run([&] {
    const std::string target = call.checked(path, true);  // a symlink is removed, not its target
    const Parent p = open_parent(target);
    const auto st = stat_at(p);
    if (!st) throw Refused{RT_NOT_FOUND, target + " does not exist", {}};
    const bool is_dir = S_ISDIR(st->st_mode);
    if (!is_dir && !S_ISREG(st->st_mode) && !S_ISLNK(st->st_mode))
      throw Refused{RT_INVALID_ARGS, target + " is a FIFO, socket or device; it is not removed", {}};
    if (is_dir && (flags & RT_REMOVE_RECURSIVE) == 0 && !empty_dir(p))
      throw Refused{RT_FAILED, target + " is a directory that is not empty; nothing was removed",
                    "set recursive to remove it with everything in it"};
    call.backed_up(target);
    call.job().backups.known.forget(target);
    if (is_dir) backup::remove_tree(p.dir.get(), p.name, target);
    else if (::unlinkat(p.dir.get(), p.name.c_str(), 0) != 0) throw os_error("cannot remove " + target, errno);
    fsync_dir(p);
    if (resolved != nullptr) *resolved = call.keep(target);
    return RT_OK;
  });
}

rt_status rename_path(rt_job *handle, rt_str from, rt_str to, uint32_t flags, rt_str *resolved) {
  Call call(handle, "rename_path");
  return call.run([&] {
    const std::string source = call.checked(from, true);  // a symlink is moved, not its target
    const std::string target = call.checked(to, true);
    if (source == target) throw Refused{RT_INVALID_ARGS, "the source and the destination are the same path: " + source, {}};
    if (target.starts_with(source + "/"))
      throw Refused{RT_INVALID_ARGS, "cannot move " + source + " into itself (" + target + ")", {}};
    const Parent sp = open_parent(source);
    const Parent tp = open_parent(target);
    if (!stat_at(sp)) throw Refused{RT_NOT_FOUND, source + " does not exist", {}};
    const bool overwrite = (flags & RT_RENAME_OVERWRITE) != 0;
    if (stat_at(tp) && !overwrite)
      throw Refused{RT_FAILED, target + " already exists; nothing was moved", "set overwrite to replace it"};
    call.backed_up(source);
    call.backed_up(target);
    call.job().backups.known.forget(source);
    call.job().backups.known.forget(target);
    if (::renameat2(sp.dir.get(), sp.name.c_str(), tp.dir.get(), tp.name.c_str(), overwrite ? 0 : RENAME_NOREPLACE) != 0) {
      if (errno == EXDEV) throw Refused{RT_FAILED, source + " and " + target + " are on different filesystems; nothing was moved", {}};
      if (errno == EEXIST) throw Refused{RT_FAILED, target + " already exists; nothing was moved", "set overwrite to replace it"};
      throw os_error("cannot move " + source + " to " + target, errno);
    }
    fsync_dir(tp);
    if (sp.path != tp.path) fsync_dir(sp);
    if (resolved != nullptr) *resolved = call.keep(target);
    return RT_OK;
  });
}

rt_status file_sha256(rt_job *handle, rt_str path, uint32_t access, rt_str *hex) {
  JobAccess job(handle);
  if (!job || hex == nullptr) return RT_INVALID_ARGS;
  try {
    int raw = -1;
    const auto d = job->services->paths->open(view(path), access, O_RDONLY, job->working_dir, &raw);
    if (!d.ok()) return answer(*job, d);
    const backup::UniqueFd fd(raw);
    if (!within_roots(*job, d.resolved)) return RT_DENIED;
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0) {
      std::lock_guard lock(job->backups.mutex);
      if (const backup::KnownContent *known = job->backups.known.find(d.resolved, st)) {
        *hex = job->keep(known->digest.hex());
        return RT_OK;
      }
    }
    *hex = job->keep(backup::sha256_hex_of_fd(fd.get()));
    return RT_OK;
  } catch (const std::exception &e) {
    record_error(*job, RT_FAILED, std::string("file_sha256: ") + e.what(), {});
    return RT_FAILED;
  }
}

rt_status pre_image(rt_job *handle, rt_str path, rt_str *record_json) {
  JobAccess job(handle);
  if (!job || record_json == nullptr) return RT_INVALID_ARGS;
  if (job->phase != JobPhase::execute) return refuse_in_validate(*job, "pre_image");
  try {
    std::string resolved;
    if (const rt_status st = check_job_path(*job, view(path), RT_ACCESS_WRITE, resolved); st != RT_OK) return st;
    std::lock_guard lock(job->backups.mutex);
    const auto it = job->backups.by_path.find(resolved);
    if (it == job->backups.by_path.end()) return RT_NOT_FOUND;
    *record_json = job->keep(json::serialize(backup::to_json(job->backups.taken[it->second])));
    return RT_OK;
  } catch (const std::exception &e) {
    record_error(*job, RT_FAILED, std::string("pre_image: ") + e.what(), {});
    return RT_FAILED;
  }
}

}  // namespace write

const backup::PreImage &take_pre_image(Job &job, const std::string &resolved) {
  JobBackups &b = job.backups;
  if (auto it = b.by_path.find(resolved); it != b.by_path.end()) return b.taken[it->second];
  const auto index = static_cast<unsigned>(b.taken.size());
  backup::KnownContent content;
  backup::PreImage p = job.services->backups->take(job.id, index, resolved, &content);
  if (p.before.kind == backup::Kind::file) b.known.remember(resolved, std::move(content));
  BoundedBody body(*job.services->bounds, job.id);
  body.put("capability", json::string(job.capability->name));
  // {path (or path_base64), before, stored}: what undo reads back (backup::pre_image_from_json).
  json::object record = backup::to_json(p);
  json::value before = std::move(record["before"]);
  record.erase("before");
  for (auto &[key, value] : record) body.put(key, std::move(value));
  body.fit("before", std::move(before), body.room());
  job.services->journal->append(wal::event::backup, job.id, body.take(), wal::Durability::durable);
  job.start_not_durable.store(false);  // the sync of job.backup covered job.started too
  b.by_path.emplace(resolved, b.taken.size());
  b.taken.push_back(std::move(p));
  return b.taken.back();
}

json::array job_mutations(Job &job) {
  std::lock_guard lock(job.backups.mutex);
  json::array out;
  // A directory's state leaves out the other paths of the job below it: undo judges and
  // restores those on their own.
  std::vector<std::filesystem::path> paths;
  for (const auto &p : job.backups.taken) paths.push_back(p.path);
  for (const auto &p : job.backups.taken) {
    json::object m{{"path", p.path.string()}, {"stored", p.stored}, {"before", std::string(backup::to_string(p.before.kind))}};
    try {
      m["after"] = backup::to_json(backup::inspect(p.path, paths, &job.backups.known));
    } catch (const std::exception &e) {
      m["after"] = json::object{{"error", e.what()}};
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace runtimo::exec
