// exec/job_record.cpp — the journal events of one job (see job_record.hpp).
#include "exec/job_record.hpp"

#include "exec/job_errors.hpp"
#include "exec/journal_bounds.hpp"
#include "log/log.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

namespace runtimo::exec {
namespace {

namespace json = boost::json;

constexpr std::uint64_t kMaxNameBytes = 256;  // a capability name as asked (unknown ones too)

std::string_view terminal_type(JobStatus status) {
  switch (status) {
    case JobStatus::completed: return wal::event::completed;
    case JobStatus::timed_out: return wal::event::timed_out;
    case JobStatus::cancelled: return wal::event::cancelled;
    default: return wal::event::failed;
  }
}

// The terminal event keeps what the job's start did not already journal: the "after" side of
// the snapshots (and the process delta). `whole` is {"before":…,"after":…[,"delta":…]}.
// A snapshot that failed is {"error": …}, kept as it is.
json::value telemetry_after(const json::value &whole) {
  if (!whole.is_object() || whole.get_object().contains("error")) return whole;
  const auto *after = whole.get_object().if_contains("after");
  return after != nullptr ? *after : json::value(nullptr);
}

json::value processes_after(const json::value &whole) {
  if (!whole.is_object() || whole.get_object().contains("error")) return whole;
  json::object out;
  for (const char *key : {"after", "delta"})
    if (const auto *v = whole.get_object().if_contains(key)) out[key] = *v;
  return out;
}

json::object terminal_body(const Services &services, const JobResult &r, const json::object &timing) {
  BoundedBody body(*services.bounds, r.job_id);
  body.put("capability", json::string(r.capability));
  body.put("status", json::string(to_string(r.status)));
  body.put("success", r.success);
  body.put("duration_ms", r.duration_ms);
  body.put("timing", timing);
  body.fit("message", json::string(r.message), services.bounds->max_string_bytes);
  if (r.error) body.fit("error", r.error->to_json(), body.room() / 4);
  if (!r.telemetry.is_null()) body.fit("telemetry", telemetry_after(r.telemetry), body.room() / 4);
  if (!r.processes.is_null()) body.fit("processes", processes_after(r.processes), body.room() / 3);
  if (!r.backups.is_null()) body.fit("backups", r.backups, body.room() / 2);
  body.fit("data", r.data, body.room());
  return body.take();
}

}  // namespace

void journal_rejection(const Services &services, JobResult &result) {
  try {
    BoundedBody body(*services.bounds, result.job_id);
    body.fit("capability", json::string(result.capability), kMaxNameBytes);
    body.put("stage", json::string(result.stage));
    if (result.dry_run) body.put("dry_run", true);
    body.put("duration_ms", result.duration_ms);
    if (!result.guard.is_null()) body.fit("guard", result.guard, body.room() / 2);
    body.fit("error", result.error ? result.error->to_json() : json::value(nullptr), body.room());
    result.wal_seq = services.journal->append(wal::event::rejected, result.job_id, body.take(),
                                              wal::Durability::durable);
  } catch (const std::exception &e) {
    result.error = journal_error(std::string("the refusal could not be journaled: ") + e.what());
  }
}

JobRecord::JobRecord(const Services &services, Job &job, const json::value &args,
                     const json::value &telemetry_before, const json::value &processes_before)
    : services_(services), job_id_(job.id), capability_(job.capability->name) {
  BoundedBody body(*services.bounds, job.id);
  body.put("capability", json::string(job.capability->name));
  body.put("plugin", json::string(job.capability->plugin_name));
  body.put("plugin_version", json::string(job.capability->plugin_version));
  if (job.dry_run) body.put("dry_run", true);
  if (!job.session.empty()) body.put("session", json::string(job.session));
  body.put("deadline_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                              job.deadline - std::chrono::steady_clock::now())
                              .count());
  body.put("runner", json::object{{"id", services.runner.id},
                                  {"pid", services.runner.pid},
                                  {"start_time", services.runner.start_time}});
  if (!telemetry_before.is_null()) body.fit("telemetry", telemetry_before, body.room() / 4);
  if (!processes_before.is_null()) body.fit("processes", processes_before, body.room() / 4);
  body.fit("args", args, body.room());
  // Durable before the job can change anything: now, or — for a capability that changes the
  // machine only through the host (RT_CAP_HOST_WRITES) — with the first host call that does
  // (a job.backup, durable itself, or a spawn), so such a job pays one sync fewer.
  const bool changes_machine = !job.dry_run && (job.capability->flags & RT_CAP_READ_ONLY) == 0;
  const bool deferred = changes_machine && (job.capability->flags & RT_CAP_HOST_WRITES) != 0;
  services.journal->append(wal::event::started, job.id, body.take(),
                           changes_machine && !deferred ? wal::Durability::durable : wal::Durability::lazy);
  job.start_not_durable.store(deferred);
}

JobRecord::~JobRecord() {
  if (ended_) return;
  JobResult r;
  r.job_id = job_id_;
  r.capability = capability_;
  r.status = JobStatus::failed;
  r.error = internal_error("the runtime left the job without reaching its end");
  r.message = r.error->message;
  end(r, json::object{});
}

void JobRecord::end(JobResult &result, const json::object &timing) noexcept {
  if (ended_) return;
  ended_ = true;
  try {
    result.wal_seq = services_.journal->append(
        terminal_type(result.status), job_id_, terminal_body(services_, result, timing),
        wal::Durability::durable);
    return;
  } catch (const std::exception &e) {
    log::write(log::Level::error, std::string("cannot journal the end of the job: ") + e.what(),
               job_id_);
    try {
      result.error = journal_error(std::string("the job ran but its result could not be journaled: ") +
                                   e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  result.status = JobStatus::failed;
  result.success = false;
  try {
    // The smallest end the journal can hold, so the job is not left open while this runner lives.
    const json::object minimal{{"capability", capability_},
                               {"status", "failed"},
                               {"success", false},
                               {"error", result.error ? result.error->to_json() : json::value(nullptr)}};
    result.wal_seq =
        services_.journal->append(wal::event::failed, job_id_, minimal, wal::Durability::durable);
  } catch (...) {
    // Nothing more can be written: the job stays open in the journal until this runner's lock
    // goes and the next open journals it as interrupted.
  }
}

}  // namespace runtimo::exec
