// exec/executor.cpp — one job through the pipeline (see executor.hpp). What each event holds
// is in job_record.hpp.
#include "exec/executor.hpp"

#include "exec/job_errors.hpp"
#include "exec/job_record.hpp"
#include "exec/write_service.hpp"
#include "exec/job_snapshots.hpp"
#include "exec/resource_guard.hpp"
#include "exec/worker_pool.hpp"
#include "log/log.hpp"
#include "util/ids.hpp"
#include "util/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace runtimo::exec {

using Clock = std::chrono::steady_clock;

// A stage's refusal: where, and why.
struct Refusal {
  std::string stage;
  JobError error;
};

// What the stages before execute establish about one job.
struct Admission {
  Admission(std::string_view asked_name, std::string_view args_json, const RunOptions &run_options)
      : job_id(util::is_id(run_options.job_id) ? run_options.job_id : util::new_id()), asked(asked_name),
        args_text(args_json.empty() ? std::string_view("{}") : args_json), options(run_options) {}

  const std::string job_id;
  const Clock::time_point t0 = Clock::now();
  const std::string_view asked;      // the capability name as given
  const std::string_view args_text;  // the argument text validate and execute both receive
  const RunOptions &options;
  const plugin::LoadedCapability *cap = nullptr;
  boost::json::value args;
  std::optional<snapshot::SystemPressure> guard_reading;
  boost::json::value guard;  // the guard's verdict, journaled with a guard refusal
  Job job;
};

namespace {

constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxSessionBytes = 128;

// Milliseconds to the microsecond (what the journal and the result report).
double ms_since(Clock::time_point t0) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  return static_cast<double>(us) / 1000.0;
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

JobError usage(std::string message, std::string hint) {
  return JobError{ErrorKind::usage, std::move(message), {}, std::move(hint), Remedy::none, {}};
}

bool session_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

// The request itself: names the journal and every interface can carry.
std::optional<Refusal> check_request(const Admission &a) {
  if (!util::is_valid_utf8(a.asked) || a.asked.size() > kMaxNameBytes)
    return Refusal{"request", usage("the capability name is not valid UTF-8 of at most 256 bytes",
                                    "capability names are short ASCII words such as FileRead")};
  const std::string &session = a.options.session_id;
  if (session.size() > kMaxSessionBytes ||
      !std::all_of(session.begin(), session.end(), session_char))
    return Refusal{"request",
                   usage("the session id is not 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' "
                         "or '-'",
                         "use the id a session was created with")};
  if (!a.options.job_id.empty() && !util::is_id(a.options.job_id))
    return Refusal{"request", usage("RunOptions::job_id is not a job id (32 lowercase hex digits)",
                                    "take it from Runtime::new_job_id(), or leave it empty")};
  return std::nullopt;
}

std::optional<Refusal> resolve(Admission &a, const plugin::PluginRegistry &registry) {
  a.cap = registry.find(a.asked);
  if (a.cap != nullptr) return std::nullopt;
  JobError e{ErrorKind::unknown_capability, "unknown capability \"" + std::string(a.asked) + "\"",
             {}, "the list of capabilities names every one that is loaded",
             Remedy::choose_capability, registry.suggest(a.asked)};
  if (!e.suggestions.empty()) {
    std::string names;
    for (const auto &s : e.suggestions) names += (names.empty() ? "" : ", ") + s;
    e.hint = "did you mean " + names + "?";
  }
  return Refusal{"resolve", std::move(e)};
}

// Only RESCUE capabilities run on a machine under pressure.
std::optional<Refusal> check_guard(Admission &a, const ResourceGuard *guard) {
  if (guard == nullptr || (a.cap->flags & RT_CAP_RESCUE) != 0) return std::nullopt;
  const GuardVerdict verdict = guard->check();
  a.guard_reading = verdict.measured;
  if (!verdict.refuse) return std::nullopt;
  JobError e{ErrorKind::guard, "", {}, "", Remedy::free_resources, {}};
  for (const auto &x : verdict.exceeded) e.details.push_back(ErrorDetail{x.reading, x.message});
  e.message = "the machine is under pressure, so " + a.cap->name +
              " (not a rescue capability) is refused: " + e.details.front().message;
  e.hint = "free resources first (rescue capabilities such as Kill, ProcessList and Telemetry "
           "still run), or change the thresholds in the config's \"guard\" section";
  a.guard = verdict.to_json(guard->thresholds());
  return Refusal{"guard", std::move(e)};
}

std::optional<Refusal> parse_arguments(Admission &a) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write(a.args_text.data(), a.args_text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec)
    return Refusal{"parse", JobError{ErrorKind::invalid_args,
                                     "the arguments are not valid JSON (" +
                                         position_of(a.args_text, used) + "): " + ec.message(),
                                     {}, "pass one JSON object, e.g. {\"path\": \"README.md\"}",
                                     Remedy::fix_arguments, {}}};
  a.args = parser.release();
  if (!a.args.is_object())
    return Refusal{"parse", JobError{ErrorKind::invalid_args, "the arguments must be a JSON object",
                                     {}, "wrap them in {…}", Remedy::fix_arguments, {}}};
  return std::nullopt;
}

// How long the job may take: the caller's timeout; else, for a capability that starts
// processes, its own integer argument "timeout_secs" (the command's deadline) plus the time to
// end the command and report; else the configured default.
std::chrono::milliseconds job_timeout(const Admission &a, std::chrono::milliseconds default_deadline) {
  if (a.options.timeout) return *a.options.timeout;
  if ((a.cap->flags & RT_CAP_SPAWNS) != 0 && a.args.is_object())
    if (const auto *t = a.args.get_object().if_contains("timeout_secs"); t != nullptr && t->is_int64() && t->get_int64() > 0)
      return std::chrono::seconds(std::min<std::int64_t>(t->get_int64(), 86400)) + std::chrono::seconds(10);
  return default_deadline;
}

std::optional<Refusal> check_schema(const Admission &a, std::chrono::milliseconds default_deadline) {
  const auto deadline = a.t0 + job_timeout(a, default_deadline);
  auto errors = a.cap->compiled->validate(a.args, deadline);
  if (errors.empty()) return std::nullopt;
  if (errors.size() == 1 && errors.front().message == schema::kDeadlinePassedMessage)
    return Refusal{"schema", JobError{ErrorKind::timeout,
                                      "the arguments of " + a.cap->name + " were still being checked "
                                      "against its schema when the job's deadline passed",
                                      {}, "give the job a longer deadline", Remedy::raise_deadline, {}}};
  JobError e{ErrorKind::invalid_args, "", {}, "the capability's schema lists what it accepts",
             Remedy::fix_arguments, {}};
  for (auto &s : errors) e.details.push_back(ErrorDetail{s.path, s.message});
  const auto &first = e.details.front();
  e.message = "the arguments do not match the schema of " + a.cap->name + ": " +
              (first.path.empty() ? std::string("(root)") : first.path) + ": " + first.message;
  return Refusal{"schema", std::move(e)};
}

void prepare_job(Admission &a, const Services &services) {
  Job &job = a.job;
  job.id = a.job_id;
  job.session = a.options.session_id;
  job.working_dir = a.options.working_dir.empty() ? current_dir() : a.options.working_dir.string();
  job.dry_run = a.options.dry_run;
  job.deadline = a.t0 + job_timeout(a, services.default_deadline);
  job.capability = a.cap;
  job.services = &services;
  job.args = &a.args;
  job.cancel = a.options.cancel.get();
  job.observer = &a.options.observer;
  job.roots = &a.options.roots;
}

rt_str args_of(const Admission &a) { return rt_str{a.args_text.data(), a.args_text.size()}; }

// The error of a call whose worker died ("validation", "execution").
JobError crash_error(const Admission &a, const CallOutcome &call, std::string_view phase) {
  return JobError{ErrorKind::plugin_crashed,
                  "the plugin " + a.cap->plugin_name + " crashed during " + std::string(phase) +
                      " of " + a.cap->name + ": " + *call.crash,
                  {}, "the plugin has a bug; the runtime and other jobs are unaffected",
                  Remedy::none, {}};
}

std::optional<Refusal> validate(Admission &a, WorkerPool &workers) {
  a.job.phase = JobPhase::validate;
  const CallOutcome call = workers.call(a.job, args_of(a));
  if (call.crash) return Refusal{"validate", crash_error(a, call, "validation")};
  if (call.status != RT_OK) {
    JobError e = plugin_error(a.job, call.status, "validation");
    if (call.past_deadline) {
      e.kind = ErrorKind::timeout;
      e.message = "the validation of " + a.cap->name + " did not finish before the job's deadline";
      e.remedy = Remedy::raise_deadline;
    }
    return Refusal{"validate", std::move(e)};
  }
  a.job.clear_error();
  return std::nullopt;
}

// Calls execute and turns what the plugin reported into the result.
double call_execute(Admission &a, WorkerPool &workers, JobResult &result, boost::json::object &timing) {
  Job &job = a.job;
  job.phase = JobPhase::execute;
  const auto t0 = Clock::now();
  const CallOutcome call = workers.call(job, args_of(a));  // the handle is returned before the job ends
  const rt_status st = call.status;
  const double execute_ms = ms_since(t0);
  const bool deadline_passed = Clock::now() >= job.deadline;
  if (call.supervised) timing["worker"] = true;
  if (call.leftovers > 0) {
    timing["leftovers_killed"] = call.leftovers;
    log::write(log::Level::warning,
               "the plugin left " + std::to_string(call.leftovers) + " processes running; they were killed",
               a.job_id, a.cap->plugin_name);
  }
  if (job.has_output) result.data = std::move(job.output);
  if (call.cancelled) {
    result.status = JobStatus::cancelled;
    result.error = JobError{ErrorKind::cancelled,
                            a.cap->name + " was cancelled and did not stop by itself: its worker was killed",
                            {}, "", Remedy::none, {}};
    result.message = result.error->message;
    return execute_ms;
  }
  if (call.crash) {
    result.status = JobStatus::failed;
    result.error = crash_error(a, call, "execution");
    result.message = result.error->message;
    return execute_ms;
  }
  if (st == RT_OK) {
    result.status = JobStatus::completed;
    result.success = true;
    result.message = job.message;
    return execute_ms;
  }
  result.error = plugin_error(job, st, "execution");
  result.status = JobStatus::failed;
  if (st == RT_TIMEOUT || (st == RT_CANCELLED && deadline_passed)) {
    result.status = JobStatus::timed_out;
    result.error->kind = ErrorKind::timeout;
    result.error->remedy = Remedy::raise_deadline;
    if (call.past_deadline)
      result.error->message = a.cap->name + " did not finish before the job's deadline: its worker was killed";
    if (result.error->hint.empty()) result.error->hint = "give the job a longer deadline";
  } else if (st == RT_CANCELLED) {
    result.status = JobStatus::cancelled;
  }
  result.message = result.error->message;
  return execute_ms;
}

}  // namespace

Executor::Executor(Services services) : services_(std::move(services)) {}

std::mutex &Executor::serial_lock(const plugin::LoadedCapability *cap) {
  std::lock_guard lock(serial_map_mutex_);
  auto &slot = serial_locks_[cap];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

JobResult Executor::run(std::string_view capability, std::string_view args_json,
                        const RunOptions &options) {
  Admission a(capability, args_json, options);
  if (auto r = check_request(a)) return reject(a, std::move(r->stage), std::move(r->error));
  if (auto r = resolve(a, *services_.registry)) return reject(a, std::move(r->stage), std::move(r->error));
  if (auto r = check_guard(a, services_.guard)) return reject(a, std::move(r->stage), std::move(r->error));
  if (auto r = parse_arguments(a)) return reject(a, std::move(r->stage), std::move(r->error));
  if (auto r = check_schema(a, services_.default_deadline)) return reject(a, std::move(r->stage), std::move(r->error));

  prepare_job(a, services_);
  std::unique_lock<std::mutex> serial;
  if ((a.cap->flags & RT_CAP_SERIAL) != 0) serial = std::unique_lock(serial_lock(a.cap));
  if (auto r = validate(a, *services_.workers)) return reject(a, std::move(r->stage), std::move(r->error));
  if (a.job.cancelled())  // nothing has started: the job is refused, not cancelled mid-way
    return reject(a, "validate", JobError{ErrorKind::cancelled, "the job was cancelled before it started",
                                          {}, "", Remedy::none, {}});
  return execute(a);
}

JobResult Executor::reject(Admission &a, std::string stage, JobError error) {
  JobResult result;
  result.job_id = a.job_id;
  result.capability = a.cap != nullptr ? a.cap->name : util::repair_utf8(a.asked);
  result.dry_run = a.options.dry_run;
  result.status = JobStatus::rejected;
  result.stage = std::move(stage);
  result.message = error.message;
  result.error = std::move(error);
  result.guard = std::move(a.guard);
  result.duration_ms = ms_since(a.t0);
  journal_rejection(services_, result);
  log::write(log::Level::info, "rejected at " + result.stage + ": " + result.message, result.job_id);
  return result;
}

JobResult Executor::execute(Admission &a) {
  JobResult result;
  result.job_id = a.job_id;
  result.capability = a.cap->name;
  result.dry_run = a.options.dry_run;

  // The machine before; a snapshot that cannot be taken does not stop the job.
  const auto snapshots_t0 = Clock::now();
  JobBefore before;
  if (services_.snapshots != nullptr) {
    try {
      before = services_.snapshots->before(a.guard_reading ? &*a.guard_reading : nullptr);
    } catch (const std::exception &e) {
      log::write(log::Level::warning, std::string("no snapshot before the job: ") + e.what(), a.job_id);
    }
  }
  double snapshots_ms = ms_since(snapshots_t0);

  std::optional<JobRecord> record;
  try {
    record.emplace(services_, a.job, a.args, before.telemetry, before.process_summary);
  } catch (const std::exception &e) {
    result.status = JobStatus::failed;
    result.error = journal_error(std::string("the job did not start: its start could not be journaled: ") +
                                 e.what());
    result.message = result.error->message;
    result.duration_ms = ms_since(a.t0);
    return result;
  }
  log::write(log::Level::info, "executing " + a.cap->name, a.job_id, a.cap->plugin_name);
  a.job.tell("started", a.cap->name);

  // From here the record ends the job, whatever happens.
  double execute_ms = 0;
  boost::json::object timing;
  try {
    execute_ms = call_execute(a, *services_.workers, result, timing);
    if (!a.job.backups.taken.empty()) result.backups = job_mutations(a.job);
    if (services_.snapshots != nullptr) {
      const auto after_t0 = Clock::now();
      try {
        JobSnapshots::After after = services_.snapshots->after(std::move(before));
        result.telemetry = std::move(after.telemetry);
        result.processes = std::move(after.processes);
      } catch (const std::exception &e) {
        // The job did what it did; only the picture of the machine after it is missing.
        const std::string why = std::string("no snapshot after the job: ") + e.what();
        log::write(log::Level::warning, why, a.job_id);
        result.telemetry = boost::json::object{{"error", why}};
        result.processes = boost::json::object{{"error", why}};
      }
      snapshots_ms += ms_since(after_t0);
    }
  } catch (const std::exception &e) {
    result.status = JobStatus::failed;
    result.success = false;
    result.error = internal_error(std::string("the runtime failed while running the job: ") + e.what());
    result.message = result.error->message;
  } catch (...) {
    result.status = JobStatus::failed;
    result.success = false;
    result.error = internal_error("the runtime failed while running the job");
    result.message = result.error->message;
  }
  result.duration_ms = ms_since(a.t0);
  timing["execute_ms"] = execute_ms;
  timing["snapshots_ms"] = snapshots_ms;
  if (result.status == JobStatus::completed && Clock::now() >= a.job.deadline)
    timing["deadline_exceeded"] = true;
  record->end(result, timing);
  log::write(log::Level::info, std::string("finished: ") + std::string(to_string(result.status)),
             a.job_id, a.cap->plugin_name);
  return result;
}

}  // namespace runtimo::exec
