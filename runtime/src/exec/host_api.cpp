// exec/host_api.cpp — the host services behind rt_host_api: context, result, journal notes,
// the snapshot provider (process identity; telemetry and process scans since ABI 1.1), the
// path and process policies, and logging.
// Every function is noexcept at the ABI: exceptions are turned into statuses here.
#include "exec/host_api.hpp"

#include "exec/job_context.hpp"
#include "exec/job_snapshots.hpp"
#include "exec/journal_bounds.hpp"
#include "log/log.hpp"
#include "policy/path_policy.hpp"
#include "policy/process_policy.hpp"
#include "snapshot/process_identity.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string_view>

namespace runtimo::exec {
namespace {

std::string_view view(rt_str s) {
  return s.ptr == nullptr ? std::string_view{} : std::string_view{s.ptr, s.len};
}
rt_str str(const std::string &s) { return rt_str{s.c_str(), s.size()}; }

rt_str job_id(const rt_job *job) { return str(job->id); }
rt_str session_id(const rt_job *job) { return str(job->session); }
int32_t dry_run(const rt_job *job) { return job->dry_run ? 1 : 0; }
rt_str working_dir(const rt_job *job) { return str(job->working_dir); }

int64_t remaining_ms(const rt_job *job) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      job->deadline - std::chrono::steady_clock::now());
  return std::max<int64_t>(0, left.count());
}
int32_t cancelled(const rt_job *job) { return remaining_ms(job) == 0 ? 1 : 0; }

void set_error(rt_job *job, rt_status status, rt_str message, rt_str hint) {
  try {
    job->error_status = status == RT_OK ? RT_INTERNAL : status;
    job->error_message.assign(view(message));
    job->error_hint.assign(view(hint));
  } catch (...) {
  }
}

rt_status set_output(rt_job *job, rt_str data_json, rt_str message) {
  try {
    boost::system::error_code ec;
    boost::json::value data = boost::json::parse(view(data_json), ec);
    if (ec) {
      log::write(log::Level::error, "set_output: data is not valid JSON: " + ec.message(), job->id,
                 job->capability->plugin_name);
      return RT_INVALID_ARGS;
    }
    job->output = std::move(data);
    job->message.assign(view(message));
    job->has_output = true;
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

rt_status wal_event(rt_job *job, rt_str type, rt_str payload_json) {
  try {
    if (!valid_note_type(view(type))) {
      set_error(job, RT_INVALID_ARGS, str("wal_event: the note type must match [a-z0-9_.]{1,64}"),
                rt_str{});
      return RT_INVALID_ARGS;
    }
    boost::system::error_code ec;
    boost::json::value payload = boost::json::parse(view(payload_json), ec);
    if (ec || !payload.is_object()) {
      set_error(job, RT_INVALID_ARGS, str("wal_event: the payload must be a JSON object"), rt_str{});
      return RT_INVALID_ARGS;
    }
    boost::json::object body;
    body["capability"] = job->capability->name;
    body["note"] = view(type);
    boost::json::array truncated;
    body["data"] = bound_for_journal(payload, job->services->max_output_bytes, "/data", truncated);
    if (!truncated.empty()) body["truncated"] = std::move(truncated);
    job->services->journal->append("job.note", job->id, body, wal::Durability::durable);
    return RT_OK;
  } catch (const std::exception &e) {
    const std::string msg = std::string("cannot journal the note: ") + e.what();
    set_error(job, RT_INTERNAL, str(msg), rt_str{});
    return RT_INTERNAL;
  }
}

rt_status process_identity(rt_job *, int64_t pid, rt_process_identity *out) {
  if (out == nullptr || out->struct_size < offsetof(rt_process_identity, pid)) return RT_INVALID_ARGS;
  if (pid <= 0 || pid > INT32_MAX) return RT_INVALID_ARGS;
  const rt_process_identity id = snapshot::read_process_identity(pid);
  const std::uint32_t want = out->struct_size;
  std::memcpy(out, &id, std::min<std::size_t>(want, sizeof id));
  out->struct_size = want;
  return RT_OK;
}

// Parses the JSON text a plugin passed to a snapshot service; empty text is `empty_value`.
std::optional<boost::json::value> parse_request(rt_job *job, rt_str text, const char *function,
                                                boost::json::value empty_value) {
  if (view(text).find_first_not_of(" \t\r\n") == std::string_view::npos) return empty_value;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(view(text), ec);
  if (ec) {
    set_error(job, RT_INVALID_ARGS,
              str(std::string(function) + ": the request is not valid JSON: " + ec.message()), rt_str{});
    return std::nullopt;
  }
  return v;
}

// Runs one snapshot service for a plugin: no snapshot provider, a bad request
// (std::invalid_argument) and any other failure become statuses with the reason recorded.
template <class Service>
rt_status snapshot_service(rt_job *job, const char *function, rt_str *out, Service service) {
  try {
    if (out == nullptr) return RT_INVALID_ARGS;
    if (job->services->snapshots == nullptr) {
      set_error(job, RT_INTERNAL,
                str(std::string(function) + ": this runtime has no snapshot provider"), rt_str{});
      return RT_INTERNAL;
    }
    return service(*job->services->snapshots);
  } catch (const std::invalid_argument &e) {
    set_error(job, RT_INVALID_ARGS, str(std::string(function) + ": " + e.what()), rt_str{});
    return RT_INVALID_ARGS;
  } catch (const std::exception &e) {
    set_error(job, RT_INTERNAL, str(std::string(function) + " failed: " + e.what()), rt_str{});
    return RT_INTERNAL;
  }
}

rt_status telemetry(rt_job *job, rt_str sections_json, rt_str *out) {
  return snapshot_service(job, "telemetry", out, [&](JobSnapshots &snapshots) -> rt_status {
    const auto request = parse_request(job, sections_json, "telemetry", boost::json::array{});
    if (!request) return RT_INVALID_ARGS;
    const bool is_list = request->is_array() &&
                         std::all_of(request->as_array().begin(), request->as_array().end(),
                                     [](const boost::json::value &v) { return v.is_string(); });
    if (!is_list)
      throw std::invalid_argument(
          "sections must be a JSON array of section names, e.g. [\"cpu\",\"memory\"], or [] for all");
    std::vector<std::string> sections;
    for (const auto &v : request->as_array()) sections.emplace_back(v.as_string());
    *out = job->keep(boost::json::serialize(snapshots.telemetry(sections)));
    return RT_OK;
  });
}

rt_status processes(rt_job *job, rt_str query_json, rt_str *out) {
  return snapshot_service(job, "processes", out, [&](JobSnapshots &snapshots) -> rt_status {
    const auto request = parse_request(job, query_json, "processes", boost::json::object{});
    if (!request) return RT_INVALID_ARGS;
    const auto query = snapshot::parse_process_query_value(*request);
    *out = job->keep(boost::json::serialize(snapshots.processes(query)));
    return RT_OK;
  });
}

rt_status check_path(rt_job *job, rt_str path, uint32_t access, rt_str *resolved) {
  try {
    const auto d = job->services->paths->check(view(path), access, job->working_dir);
    if (!d.ok()) {
      set_error(job, d.status, str(d.message), str(d.hint));
      return d.status;
    }
    if (resolved != nullptr) *resolved = job->keep(d.resolved);
    return RT_OK;
  } catch (const std::exception &e) {
    set_error(job, RT_INTERNAL, str(std::string("path policy failed: ") + e.what()), rt_str{});
    return RT_INTERNAL;
  }
}

rt_status open_path(rt_job *job, rt_str path, uint32_t access, int32_t open_flags, int32_t *fd,
                    rt_str *resolved) {
  try {
    if (fd == nullptr) return RT_INVALID_ARGS;
    int raw = -1;
    const auto d = job->services->paths->open(view(path), access, open_flags, job->working_dir, &raw);
    if (!d.ok()) {
      set_error(job, d.status, str(d.message), str(d.hint));
      return d.status;
    }
    *fd = raw;
    if (resolved != nullptr) *resolved = job->keep(d.resolved);
    return RT_OK;
  } catch (const std::exception &e) {
    set_error(job, RT_INTERNAL, str(std::string("path policy failed: ") + e.what()), rt_str{});
    return RT_INTERNAL;
  }
}

rt_status check_process(rt_job *job, int64_t pid) {
  try {
    const auto d = job->services->processes->check(pid);
    if (!d.ok()) set_error(job, d.status, str(d.message), str(d.hint));
    return d.status;
  } catch (const std::exception &e) {
    set_error(job, RT_INTERNAL, str(std::string("process policy failed: ") + e.what()), rt_str{});
    return RT_INTERNAL;
  }
}

void log_line(rt_job *job, rt_log_level level, rt_str message) {
  try {
    const int clamped = std::clamp<int>(level, RT_LOG_TRACE, RT_LOG_ERROR);
    log::write(static_cast<log::Level>(clamped), view(message), job->id,
               job->capability->plugin_name);
  } catch (...) {
  }
}

const rt_host_api kHostApi{
    sizeof(rt_host_api),
    RT_ABI_MAJOR,
    RT_ABI_MINOR,
    &job_id,
    &session_id,
    &dry_run,
    &working_dir,
    &remaining_ms,
    &cancelled,
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
};

}  // namespace

const rt_host_api *host_api() { return &kHostApi; }

}  // namespace runtimo::exec
