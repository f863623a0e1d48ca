// exec/executor.cpp — one job through the pipeline, and what it writes to the journal.
//
// Journal events of a job (DESIGN §4):
//   rejected before execute:  job.rejected {capability, stage, error, dry_run, duration_ms
//                                           [, guard]}
//   accepted:                 job.started {capability, plugin, plugin_version, args, dry_run,
//                                          session, deadline_ms, runner,
//                                          telemetry, processes}  (before)      (durable)
//                             job.note ...                                       (from the plugin)
//                             job.completed | job.failed | job.timed_out
//                                         {capability, status, success, message, data, error,
//                                          duration_ms, timing, telemetry, processes
//                                          (after, with the delta)}             (durable)
#include "exec/executor.hpp"

#include "exec/host_api.hpp"
#include "exec/job_snapshots.hpp"
#include "exec/journal_bounds.hpp"
#include "exec/resource_guard.hpp"
#include "exec/running_jobs.hpp"
#include "log/log.hpp"
#include "util/ids.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <optional>

namespace runtimo::exec {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string kind_of(rt_status status) {
  switch (status) {
    case RT_INVALID_ARGS: return "invalid_args";
    case RT_DENIED: return "denied";
    case RT_NOT_FOUND: return "not_found";
    case RT_TIMEOUT: return "timeout";
    case RT_CANCELLED: return "cancelled";
    case RT_INTERNAL: return "internal";
    default: return "failed";
  }
}

std::string status_name(rt_status status) {
  switch (status) {
    case RT_OK: return "OK";
    case RT_INVALID_ARGS: return "INVALID_ARGS";
    case RT_DENIED: return "DENIED";
    case RT_NOT_FOUND: return "NOT_FOUND";
    case RT_FAILED: return "FAILED";
    case RT_TIMEOUT: return "TIMEOUT";
    case RT_CANCELLED: return "CANCELLED";
    case RT_INTERNAL: return "INTERNAL";
    default: return "status " + std::to_string(status);
  }
}

boost::json::value error_json(const JobError &e) {
  boost::json::array details;
  for (const auto &d : e.details)
    details.push_back(boost::json::object{{"path", d.path}, {"message", d.message}});
  return boost::json::object{{"kind", e.kind},
                             {"message", e.message},
                             {"details", std::move(details)},
                             {"hint", e.hint}};
}

// The error a plugin reported, or a generic one when it returned a failure without a reason.
JobError plugin_error(const rt_job &job, rt_status status, std::string_view phase) {
  JobError e;
  e.kind = kind_of(status);
  e.message = job.error_message;
  e.hint = job.error_hint;
  if (e.message.empty())
    e.message = "capability " + job.capability->name + " " + std::string(phase) +
                " failed with status " + status_name(status) + " and gave no reason";
  return e;
}

std::string position_of(std::string_view text, std::size_t pos) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

std::string current_dir() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return ec ? std::string("/") : cwd.string();
}

}  // namespace

Executor::Executor(Services services) : services_(services) {}

std::mutex &Executor::serial_lock(const plugin::LoadedCapability *cap) {
  std::lock_guard lock(serial_map_mutex_);
  auto &slot = serial_locks_[cap];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

JobResult Executor::run(std::string_view capability, std::string_view args_json,
                        const RunOptions &options) {
  const auto t0 = Clock::now();
  JobResult result;
  result.job_id = util::new_id();
  result.capability = std::string(capability);
  result.dry_run = options.dry_run;

  // Journals job.rejected and fills the result. Execute is never reached from here.
  auto reject = [&](std::string stage, JobError error) -> JobResult & {
    result.status = JobStatus::rejected;
    result.success = false;
    result.stage = std::move(stage);
    result.message = error.message;
    boost::json::object body;
    body["capability"] = result.capability;
    body["stage"] = result.stage;
    body["dry_run"] = options.dry_run;
    body["error"] = error_json(error);
    if (!result.guard.is_null()) body["guard"] = result.guard;
    body["duration_ms"] = ms_since(t0);
    result.error = std::move(error);
    try {
      result.wal_seq = services_.journal->append("job.rejected", result.job_id, body,
                                                 wal::Durability::durable);
    } catch (const std::exception &e) {
      result.error = JobError{"journal", std::string("journal unwritable: ") + e.what(), {},
                              "check the disk and the permissions of the Runtimo home"};
    }
    result.duration_ms = ms_since(t0);
    log::write(log::Level::info, "rejected at " + result.stage + ": " + result.message,
               result.job_id);
    return result;
  };

  // 1. resolve
  const plugin::LoadedCapability *cap = services_.registry->find(capability);
  if (cap == nullptr) {
    const auto suggestions = services_.registry->suggest(capability);
    std::string hint;
    if (!suggestions.empty()) {
      hint = "did you mean ";
      for (std::size_t i = 0; i < suggestions.size(); ++i)
        hint += (i ? ", " : "") + suggestions[i];
      hint += "? ";
    }
    hint += "`runtimo list` shows every capability";
    return reject("resolve", JobError{"unknown_capability",
                                      "unknown capability \"" + std::string(capability) + "\"",
                                      {}, hint});
  }
  result.capability = cap->name;

  // 1b. the resource guard: only RESCUE capabilities run on a machine under pressure.
  std::optional<snapshot::SystemPressure> guard_reading;
  if (services_.guard != nullptr && (cap->flags & RT_CAP_RESCUE) == 0) {
    const GuardVerdict verdict = services_.guard->check();
    guard_reading = verdict.measured;
    if (verdict.refuse) {
      JobError e{"guard", "", {}, ""};
      for (const auto &x : verdict.exceeded) e.details.push_back(ErrorDetail{x.reading, x.message});
      e.message = "the machine is under pressure, so " + cap->name +
                  " (not a rescue capability) is refused: " + e.details.front().message;
      e.hint = "free resources first (rescue capabilities such as Kill, ProcessList and Telemetry "
               "still run), or change the thresholds in the config's \"guard\" section";
      result.guard = verdict.to_json(services_.guard->thresholds());
      return reject("guard", std::move(e));
    }
  }

  // 2. parse
  const std::string_view args_text = args_json.empty() ? std::string_view("{}") : args_json;
  boost::json::value args;
  {
    boost::json::stream_parser parser;
    boost::system::error_code ec;
    const std::size_t used = parser.write(args_text.data(), args_text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec)
      return reject("parse", JobError{"invalid_args",
                                      "the arguments are not valid JSON (" +
                                          position_of(args_text, used) + "): " + ec.message(),
                                      {}, "pass one JSON object, e.g. '{\"path\":\"README.md\"}'"});
    args = parser.release();
    if (!args.is_object())
      return reject("parse", JobError{"invalid_args", "the arguments must be a JSON object",
                                      {}, "wrap them in {...}; `runtimo describe " + cap->name +
                                              "` shows the schema"});
  }

  // 3. schema
  if (auto errors = cap->compiled->validate(args); !errors.empty()) {
    JobError e{"invalid_args", "", {}, "`runtimo describe " + cap->name + "` shows the schema"};
    for (auto &s : errors) e.details.push_back(ErrorDetail{s.path, s.message});
    const auto &first = e.details.front();
    e.message = "the arguments do not match the schema of " + cap->name + ": " +
                (first.path.empty() ? std::string("(root)") : first.path) + ": " + first.message;
    return reject("schema", std::move(e));
  }

  // The job as plugins see it.
  rt_job job;
  job.id = result.job_id;
  job.session = options.session_id;
  job.working_dir = options.working_dir.empty() ? current_dir() : options.working_dir.string();
  job.dry_run = options.dry_run;
  const auto deadline = options.timeout.value_or(services_.default_deadline);
  job.deadline = t0 + deadline;
  job.capability = cap;
  job.services = &services_;
  const rt_str args_rt{args_text.data(), args_text.size()};
  const rt_host_api *host = host_api();

  std::unique_lock<std::mutex> serial;
  if ((cap->flags & RT_CAP_SERIAL) != 0) serial = std::unique_lock(serial_lock(cap));

  // 4. validate
  if (const rt_status st = cap->validate(host, &job, args_rt); st != RT_OK)
    return reject("validate", plugin_error(job, st, "validation"));
  job.clear_error();

  // 5. job.started, durable before anything happens, with the machine as it was.
  const auto snapshots_t0 = Clock::now();
  JobBefore before;
  if (services_.snapshots != nullptr)
    before = services_.snapshots->before(guard_reading ? &*guard_reading : nullptr);
  double snapshots_ms = ms_since(snapshots_t0);
  {
    boost::json::object body;
    body["capability"] = cap->name;
    body["plugin"] = cap->plugin_name;
    body["plugin_version"] = cap->plugin_version;
    boost::json::array truncated;
    body["args"] = bound_for_journal(args, services_.max_output_bytes, "/args", truncated);
    if (!truncated.empty()) body["truncated"] = std::move(truncated);
    body["dry_run"] = options.dry_run;
    body["session"] = options.session_id;
    body["deadline_ms"] = deadline.count();
    body["runner"] = boost::json::object{{"pid", ::getpid()}};
    if (services_.snapshots != nullptr) {
      body["telemetry"] = before.telemetry;
      body["processes"] = before.process_summary;
    }
    try {
      services_.journal->append("job.started", job.id, body, wal::Durability::durable);
    } catch (const std::exception &e) {
      result.status = JobStatus::failed;
      result.error = JobError{"journal", std::string("journal unwritable: ") + e.what(), {},
                              "check the disk and the permissions of the Runtimo home"};
      result.message = result.error->message;
      result.duration_ms = ms_since(t0);
      return result;
    }
  }
  if (services_.running != nullptr) services_.running->begin(job.id, cap->name);
  log::write(log::Level::info, "executing " + cap->name, job.id, cap->plugin_name);

  // 6. execute
  const auto execute_t0 = Clock::now();
  const rt_status st = cap->execute(host, &job, args_rt);
  const double execute_ms = ms_since(execute_t0);
  const bool deadline_passed = Clock::now() >= job.deadline;
  if (services_.snapshots != nullptr) {
    const auto after_t0 = Clock::now();
    JobSnapshots::After after = services_.snapshots->after(std::move(before));
    result.telemetry = std::move(after.telemetry);
    result.processes = std::move(after.processes);
    snapshots_ms += ms_since(after_t0);
  }

  if (st == RT_OK) {
    result.status = JobStatus::completed;
    result.success = true;
    result.data = job.has_output ? job.output : boost::json::value(nullptr);
    result.message = job.message;
  } else {
    const bool timed_out = st == RT_TIMEOUT || (st == RT_CANCELLED && deadline_passed);
    result.status = timed_out ? JobStatus::timed_out : JobStatus::failed;
    result.success = false;
    result.error = plugin_error(job, st, "execution");
    if (timed_out) {
      result.error->kind = "timeout";
      if (result.error->hint.empty())
        result.error->hint = "raise the deadline with --timeout (seconds)";
    }
    result.message = result.error->message;
    if (job.has_output) result.data = job.output;
  }
  result.duration_ms = ms_since(t0);

  // 7. terminal event
  {
    const char *type = result.status == JobStatus::completed   ? "job.completed"
                       : result.status == JobStatus::timed_out ? "job.timed_out"
                                                               : "job.failed";
    boost::json::object body;
    body["capability"] = cap->name;
    body["status"] = to_string(result.status);
    body["success"] = result.success;
    body["message"] = result.message;
    boost::json::array truncated;
    body["data"] = bound_for_journal(result.data, services_.max_output_bytes, "/data", truncated);
    if (!truncated.empty()) body["truncated"] = std::move(truncated);
    body["error"] = result.error ? error_json(*result.error) : boost::json::value(nullptr);
    body["duration_ms"] = result.duration_ms;
    body["timing"] = boost::json::object{{"execute_ms", execute_ms}, {"snapshots_ms", snapshots_ms}};
    if (services_.snapshots != nullptr) {
      body["telemetry"] = result.telemetry.at("after");
      const auto &p = result.processes.as_object();
      body["processes"] = boost::json::object{{"after", p.at("after")}, {"delta", p.at("delta")}};
    }
    if (deadline_passed && result.status == JobStatus::completed) body["deadline_exceeded"] = true;
    try {
      result.wal_seq = services_.journal->append(type, job.id, body, wal::Durability::durable);
    } catch (const std::exception &e) {
      log::write(log::Level::error, std::string("cannot journal the end of the job: ") + e.what(),
                 job.id, cap->plugin_name);
      result.error = JobError{"journal",
                              std::string("the job ran but its result could not be journaled: ") +
                                  e.what(),
                              {}, "check the disk and the permissions of the Runtimo home"};
    }
  }
  if (services_.running != nullptr) services_.running->end(job.id);
  log::write(log::Level::info, std::string("finished: ") + std::string(to_string(result.status)),
             job.id, cap->plugin_name);
  return result;
}

}  // namespace runtimo::exec
