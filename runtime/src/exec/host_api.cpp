// exec/host_api.cpp — the host services behind rt_host_api: context, result, journal notes,
// the snapshot provider (process identity; telemetry and process scans since ABI 1.1), the
// path and process policies, and logging.
//
// Every function is noexcept at the ABI: exceptions are turned into statuses here. Every
// function first looks the handle up (JobAccess): a NULL, forged or returned handle gets the
// function's refusal value (an empty string, 0, RT_INVALID_ARGS) and touches nothing. Text a
// plugin hands over (messages, hints) is repaired to valid UTF-8 before the host keeps it.
#include "exec/host_api.hpp"

#include "exec/host_call_support.hpp"

#include "exec/job_arguments.hpp"
#include "exec/job_context.hpp"
#include "exec/job_context_calls.hpp"
#include "exec/job_handles.hpp"
#include "exec/job_snapshots.hpp"
#include "exec/spawn_service.hpp"
#include "exec/undo_service.hpp"
#include "exec/write_service.hpp"
#include "exec/journal_bounds.hpp"
#include "log/log.hpp"
#include "policy/path_patterns.hpp"
#include "policy/path_policy.hpp"
#include "policy/process_policy.hpp"
#include "snapshot/process_identity.hpp"
#include "util/utf8.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string_view>

namespace runtimo::exec {
namespace {

void set_error(rt_job *handle, rt_status status, rt_str message, rt_str hint) {
  try {
    JobAccess job(handle);
    if (job) record_error(*job, status, view(message), view(hint));
  } catch (...) {
  }
}

rt_status set_output(rt_job *handle, rt_str data_json, rt_str message) {
  try {
    JobAccess job(handle);
    if (!job) return RT_INVALID_ARGS;
    if (job->phase != JobPhase::execute) return refuse_in_validate(*job, "set_output");
    boost::system::error_code ec;
    boost::json::value data = boost::json::parse(view(data_json), ec);  // UTF-8 checked
    if (ec) {
      record_error(*job, RT_INVALID_ARGS,
                   "set_output: the data is not valid JSON (UTF-8 text, one value): " + ec.message(),
                   {});
      return RT_INVALID_ARGS;
    }
    std::string text = util::repair_utf8(view(message));
    {
      std::lock_guard lock(job->mutex);
      job->output = std::move(data);
      job->message = text;
      job->has_output = true;
    }
    job->tell("output", text);
    return RT_OK;
  } catch (...) {
    return RT_INTERNAL;
  }
}

bool valid_note_type(std::string_view type) {
  if (type.empty() || type.size() > 64) return false;
  return std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

rt_status wal_event(rt_job *handle, rt_str type, rt_str payload_json) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  try {
    if (job->phase != JobPhase::execute) return refuse_in_validate(*job, "wal_event");
    if (!valid_note_type(view(type))) {
      record_error(*job, RT_INVALID_ARGS, "wal_event: the note type must match [a-z0-9_.]{1,64}", {});
      return RT_INVALID_ARGS;
    }
    boost::system::error_code ec;
    boost::json::value payload = boost::json::parse(view(payload_json), ec);
    if (ec || !payload.is_object()) {
      record_error(*job, RT_INVALID_ARGS, "wal_event: the payload must be one JSON object", {});
      return RT_INVALID_ARGS;
    }
    BoundedBody body(*job->services->bounds, job->id);
    body.put("capability", boost::json::string(job->capability->name));
    body.put("note", boost::json::string(view(type)));
    body.fit("data", payload, body.room());
    job->services->journal->append(wal::event::note, job->id, body.take(), wal::Durability::durable);
    job->tell("note", view(type), &payload);
    return RT_OK;
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string("cannot journal the note: ") + e.what(), {});
    return RT_INTERNAL;
  }
}

rt_status process_identity(rt_job *handle, int64_t pid, rt_process_identity *out) {
  JobAccess job(handle);
  if (!job || out == nullptr || out->struct_size < offsetof(rt_process_identity, pid))
    return RT_INVALID_ARGS;
  if (pid <= 0 || pid > INT32_MAX) return RT_INVALID_ARGS;
  const rt_process_identity id = snapshot::read_process_identity(pid);
  const std::uint32_t want = out->struct_size;
  std::memcpy(out, &id, std::min<std::size_t>(want, sizeof id));
  out->struct_size = want;
  return RT_OK;
}

// Parses the JSON text a plugin passed to a snapshot service; empty text is `empty_value`.
std::optional<boost::json::value> parse_request(Job &job, rt_str text, const char *function,
                                                boost::json::value empty_value) {
  if (view(text).find_first_not_of(" \t\r\n") == std::string_view::npos) return empty_value;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(view(text), ec);
  if (ec) {
    record_error(job, RT_INVALID_ARGS,
                 std::string(function) + ": the request is not valid JSON: " + ec.message(), {});
    return std::nullopt;
  }
  return v;
}

// Runs one snapshot service for a plugin: no snapshot provider, a bad request
// (std::invalid_argument) and any other failure become statuses with the reason recorded.
template <class Service>
rt_status snapshot_service(rt_job *handle, const char *function, rt_str *out, Service service) {
  JobAccess job(handle);
  if (!job || out == nullptr) return RT_INVALID_ARGS;
  try {
    if (job->services->snapshots == nullptr) {
      record_error(*job, RT_INTERNAL, std::string(function) + ": this runtime has no snapshot provider", {});
      return RT_INTERNAL;
    }
    return service(*job, *job->services->snapshots);
  } catch (const std::invalid_argument &e) {
    record_error(*job, RT_INVALID_ARGS, std::string(function) + ": " + e.what(), {});
    return RT_INVALID_ARGS;
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string(function) + " failed: " + e.what(), {});
    return RT_INTERNAL;
  }
}

rt_status telemetry(rt_job *handle, rt_str sections_json, rt_str *out) {
  return snapshot_service(handle, "telemetry", out, [&](Job &job, JobSnapshots &snapshots) -> rt_status {
    const auto request = parse_request(job, sections_json, "telemetry", boost::json::array{});
    if (!request) return RT_INVALID_ARGS;
    *out = job.keep(boost::json::serialize(snapshots.telemetry(snapshot::parse_sections(*request))));
    return RT_OK;
  });
}

rt_status processes(rt_job *handle, rt_str query_json, rt_str *out) {
  return snapshot_service(handle, "processes", out, [&](Job &job, JobSnapshots &snapshots) -> rt_status {
    const auto request = parse_request(job, query_json, "processes", boost::json::object{});
    if (!request) return RT_INVALID_ARGS;
    const auto query = snapshot::parse_process_query_value(*request);
    *out = job.keep(boost::json::serialize(snapshots.processes(query)));
    return RT_OK;
  });
}

rt_status check_path(rt_job *handle, rt_str path, uint32_t access, rt_str *resolved) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  try {
    std::string checked;
    const rt_status st = check_job_path(*job, view(path), access, checked);
    if (st == RT_OK && resolved != nullptr) *resolved = job->keep(std::move(checked));
    return st;
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string("path policy failed: ") + e.what(), {});
    return RT_INTERNAL;
  }
}

rt_status open_path(rt_job *handle, rt_str path, uint32_t access, int32_t open_flags, int32_t *fd,
                    rt_str *resolved) {
  JobAccess job(handle);
  if (!job || fd == nullptr) return RT_INVALID_ARGS;
  try {
    int raw = -1;
    const auto d = job->services->paths->open(view(path), access, open_flags, job->working_dir, &raw);
    if (d.ok() && !within_roots(*job, d.resolved)) {
      ::close(raw);
      return RT_DENIED;
    }
    if (d.ok()) {
      *fd = raw;
      if (resolved != nullptr) *resolved = job->keep(d.resolved);
    }
    return answer(*job, d);
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string("path policy failed: ") + e.what(), {});
    return RT_INTERNAL;
  }
}

rt_status check_process(rt_job *handle, int64_t pid) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  try {
    return answer(*job, job->services->processes->check(pid));
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string("process policy failed: ") + e.what(), {});
    return RT_INTERNAL;
  }
}

void log_line(rt_job *handle, rt_log_level level, rt_str message) {
  try {
    JobAccess job(handle);
    if (!job) return;
    const int clamped = std::clamp<int>(level, RT_LOG_TRACE, RT_LOG_ERROR);
    log::write(static_cast<log::Level>(clamped), util::repair_utf8(view(message)), job->id,
               job->capability->plugin_name);
  } catch (...) {
  }
}

rt_status arg(rt_job *handle, rt_str pointer, rt_json_kind *kind, rt_str *value) {
  JobAccess job(handle);
  if (!job || job->args == nullptr) return RT_INVALID_ARGS;
  try {
    ArgumentAnswer a = argument_at(*job->args, view(pointer));
    if (kind != nullptr) *kind = a.kind;
    if (a.status == RT_OK && value != nullptr) *value = job->keep(std::move(a.text));
    if (a.status == RT_INVALID_ARGS) record_error(*job, a.status, a.error, {});
    return a.status;
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string("arg failed: ") + e.what(), {});
    return RT_INTERNAL;
  }
}

rt_status arg_int(rt_job *handle, rt_str pointer, int64_t *out) {
  JobAccess job(handle);
  if (!job || job->args == nullptr) return RT_INVALID_ARGS;
  try {
    const ArgumentAnswer a = integer_at(*job->args, view(pointer), out);
    if (a.status == RT_INVALID_ARGS) record_error(*job, a.status, a.error, {});
    return a.status;
  } catch (const std::exception &e) {
    record_error(*job, RT_INTERNAL, std::string("arg_int failed: ") + e.what(), {});
    return RT_INTERNAL;
  }
}

const rt_host_api kHostApi{
    sizeof(rt_host_api),
    RT_ABI_MAJOR,
    RT_ABI_MINOR,
    &context::job_id,
    &context::session_id,
    &context::dry_run,
    &context::working_dir,
    &context::remaining_ms,
    &context::cancelled,
    &set_output,
    &set_error,
    &wal_event,
    &process_identity,
    &check_path,
    &open_path,
    &check_process,
    &log_line,
    &telemetry,
    &processes,
    &arg,
    &arg_int,
    &write::backup,
    &write::write_file,
    &write::make_dir,
    &write::remove_path,
    &write::rename_path,
    &write::file_sha256,
    &undo::undo_job,
    &spawn_service::spawn,
    &write::pre_image,
};

}  // namespace

const rt_host_api *host_api() { return &kHostApi; }

}  // namespace runtimo::exec
