// exec/undo_service.cpp — see undo_service.hpp.
#include "exec/undo_service.hpp"

#include "backup/backup_store.hpp"
#include "exec/host_call_support.hpp"
#include "exec/job_context.hpp"
#include "exec/job_handles.hpp"
#include "exec/write_service.hpp"
#include "util/ids.hpp"
#include "util/json_members.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::exec::undo {
namespace {

namespace json = boost::json;

struct Refusal {
  rt_status status;
  std::string message;
  std::string hint;
};


// What the journal holds of the job to undo.
struct Target {
  std::string id;
  std::string capability;
  std::string end;                      // its terminal event type ("" while running)
  std::string undone_by;                // the job that undid it, if one did
  std::vector<backup::PreImage> backups;  // in the order taken
  std::map<std::string, backup::Metadata> after;  // path -> its state when the job ended
};

Target read_target(const Job &job, const std::string &id) {
  Target t;
  t.id = id;
  const auto events = job.services->job_events ? job.services->job_events(id) : std::vector<json::value>{};
  if (events.empty()) throw Refusal{RT_NOT_FOUND, "no job " + id + " in the journal", "runtimo status lists recent jobs"};
  for (const auto &v : events) {
    if (!v.is_object()) continue;
    const json::object &e = v.get_object();
    const std::string type = util::string_member(e, "type");
    if (const std::string cap = util::string_member(e, "capability"); !cap.empty()) t.capability = cap;
    if (type == wal::event::backup) {
      try {
        t.backups.push_back(backup::pre_image_from_json(e));
      } catch (const std::exception &ex) {
        throw Refusal{RT_FAILED, "the journal's record of a backup of job " + id + " is incomplete: " + ex.what(), {}};
      }
    } else if (type == wal::event::undone) {
      t.undone_by = util::string_member(e, "by");
    } else if (wal::event::ends_job(type)) {
      t.end = type;
      if (const auto *list = e.if_contains("backups"); list != nullptr && list->is_array())
        for (const auto &m : list->get_array()) {
          if (!m.is_object()) continue;
          const auto *after = m.get_object().if_contains("after");
          if (after == nullptr || !after->is_object() || after->get_object().contains("error")) continue;
          try {
            t.after[util::string_member(m.get_object(), "path")] = backup::metadata_from_json(after->get_object());
          } catch (const std::exception &) {
            // An after-state the journal cut or could not record: that path counts as changed.
          }
        }
    }
  }
  return t;
}

// Equal for undo: what is there, its content, its permissions and its link target (not its
// times: touching a file is not a change of what it holds).
bool same_state(const backup::Metadata &a, const backup::Metadata &b) {
  return a.kind == b.kind && a.sha256 == b.sha256 && a.link_target == b.link_target &&
         (a.kind == backup::Kind::absent || a.mode == b.mode);
}

json::object state_json(const backup::Metadata &m) {
  json::object o{{"kind", backup::to_string(m.kind)}};
  if (m.kind != backup::Kind::absent) {
    o["sha256"] = m.sha256;
    o["mode"] = m.mode;
  }
  return o;
}

}  // namespace

rt_status undo_job(rt_job *handle, rt_str target_text, uint32_t flags, rt_str *report) {
  JobAccess job(handle);
  if (!job || report == nullptr) return RT_INVALID_ARGS;
  if (job->phase != JobPhase::execute) return refuse_in_validate(*job, "undo_job");
  const std::string id(view(target_text));
  json::object out{{"job", id}, {"dry_run", job->dry_run}};
  try {
    if (!util::is_id(id))
      throw Refusal{RT_INVALID_ARGS, "\"" + id + "\" is not a job id (32 lowercase hex digits)", "runtimo status lists recent jobs"};
    if (id == job->id) throw Refusal{RT_INVALID_ARGS, "a job cannot undo itself", {}};
    if (job->services->backups == nullptr) throw Refusal{RT_INTERNAL, "this runtime has no backup store", {}};
    const Target t = read_target(*job, id);
    if (t.end.empty())
      throw Refusal{RT_FAILED, "job " + id + " (" + t.capability + ") has not ended yet", "undo it once it has ended"};
    if (!t.undone_by.empty())
      throw Refusal{RT_FAILED, "job " + id + " (" + t.capability + ") was already undone by job " + t.undone_by,
                    "undo job " + t.undone_by + " to put its changes back"};
    if (t.backups.empty())
      throw Refusal{RT_INVALID_ARGS, "job " + id + " (" + t.capability + ") changed nothing through Runtimo: there is nothing to undo", {}};
    const bool stored_copies = std::any_of(t.backups.begin(), t.backups.end(), [](const backup::PreImage &p) { return !p.stored.empty(); });
    if (stored_copies && !job->services->backups->has(id))
      throw Refusal{RT_FAILED, "the backups of job " + id + " were collected (runtimo gc): it can no longer be undone", {}};

    // What each path is now decides what happens to it.
    json::array restored, skipped, conflicts;
    std::vector<const backup::PreImage *> to_restore;
    std::vector<std::filesystem::path> paths;  // a directory is judged without the job's other paths in it
    for (const auto &p : t.backups) paths.push_back(p.path);
    for (auto it = t.backups.rbegin(); it != t.backups.rend(); ++it) {
      const backup::Metadata now = backup::inspect(it->path, paths);
      const auto after = t.after.find(it->path.string());
      if (same_state(now, it->before)) {
        skipped.push_back(json::object{{"path", it->path.string()}, {"reason", "already as it was before the job"}});
        continue;
      }
      if (after == t.after.end() || !same_state(now, after->second)) {
        json::object c{{"path", it->path.string()}, {"now", state_json(now)}};
        c["expected"] = after == t.after.end() ? json::value("unknown: the job's end did not record it") : json::value(state_json(after->second));
        conflicts.push_back(std::move(c));
        if ((flags & RT_UNDO_FORCE) == 0) continue;
      }
      to_restore.push_back(&*it);
    }
    out["skipped"] = skipped;
    out["conflicts"] = conflicts;
    if (!conflicts.empty() && (flags & RT_UNDO_FORCE) == 0) {
      out["restored"] = json::array{};
      *report = job->keep(json::serialize(out));
      std::string names;
      for (const auto &c : conflicts) names += (names.empty() ? "" : ", ") + std::string(c.at("path").as_string());
      throw Refusal{RT_FAILED,
                    std::to_string(conflicts.size()) + " path(s) changed after job " + id + ": " + names + "; nothing was restored",
                    "look at what changed; force restores them anyway (the current state is backed up first, so it can be undone)"};
    }
    for (const backup::PreImage *p : to_restore)
      restored.push_back(json::object{{"path", p->path.string()}, {"to", state_json(p->before)}});
    out["restored"] = restored;
    if (job->dry_run) {
      *report = job->keep(json::serialize(out));
      return RT_OK;
    }
    {
      std::lock_guard lock(job->backups.mutex);
      for (const backup::PreImage *p : to_restore) {
        take_pre_image(*job, p->path.string());  // so this undo can be undone
        job->services->backups->restore(id, *p);
        job->backups.known.forget(p->path);
      }
    }
    job->services->journal->append(wal::event::undone, id,
                                   json::object{{"by", job->id}, {"restored", restored.size()}},
                                   wal::Durability::durable);
    *report = job->keep(json::serialize(out));
    return RT_OK;
  } catch (const Refusal &r) {
    record_error(*job, r.status, r.message, r.hint);
    return r.status;
  } catch (const std::exception &e) {
    record_error(*job, RT_FAILED, "undo of job " + id + " failed: " + e.what(), "run the undo again: what was restored stays restored");
    return RT_FAILED;
  }
}

}  // namespace runtimo::exec::undo
