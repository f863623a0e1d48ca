// runtimo/job.hpp — the types of one job, and nothing else: how it is asked for (RunOptions),
// how it ended (JobResult), and the one error value every layer of the host reports with
// (JobError). The pipeline includes this header only; the embedding API (runtime.hpp) adds the
// Runtime around it.
//
// Errors are data. `kind` says what happened and decides the exit code (exit_code_of, the one
// mapping). `hint` is a sentence that does not assume an interface; `remedy` and
// `suggestions` say the same as data, so the CLI, the MCP server and a daemon can each word
// the advice their own way ("`runtimo describe X`" for the CLI, "see the tool's inputSchema"
// for MCP).
#pragma once

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo {

// What happens to a job while it runs, as it happens (for progress reports): "started" once
// job.started is journaled, "note" for each note the plugin journals (`data` is its payload),
// "output" when the plugin sets its output (`message` is its summary).
struct JobEvent {
  std::string_view kind;
  std::string_view job_id;
  std::string_view message;
  const boost::json::value *data = nullptr;
};

struct RunOptions {
  bool dry_run = false;
  std::optional<std::chrono::milliseconds> timeout;  // default: config "default_deadline_ms"
  std::string session_id;
  std::filesystem::path working_dir;  // default: the process's cwd
  // Set it (from any thread) to cancel the job: the plugin sees cancelled() and should return
  // RT_CANCELLED; a supervised plugin that does not within a short grace is killed. The job
  // ends `cancelled` (job.cancelled), or is refused when it had not started.
  std::shared_ptr<std::atomic<bool>> cancel;
  // Called on the job's events, from the thread that runs the job or a thread of the plugin.
  std::function<void(const JobEvent &)> observer;
  // When not empty, paths this job may read or write must also lie below one of these (a
  // client's roots narrow the policy for its jobs; they never widen it).
  std::vector<std::filesystem::path> roots;
  // The job's id, for an interface that must name a job before it runs (an MCP task): one from
  // Runtime::new_job_id(), used once. Empty: a fresh one.
  std::string job_id;
};

enum class JobStatus { completed, failed, rejected, timed_out, cancelled };
std::string_view to_string(JobStatus status);
inline std::ostream &operator<<(std::ostream &os, JobStatus status) { return os << to_string(status); }

enum class ErrorKind {
  usage,               // the request itself is malformed (a name that is not UTF-8, …)
  unknown_capability,  // no loaded capability has that name
  invalid_args,        // the arguments are not JSON, break the schema, or validate() refused
  denied,              // refused by policy (paths, processes)
  guard,               // refused by the resource guard
  not_found,           // the target does not exist
  failed,              // the capability ran and the operation failed
  timeout,             // the deadline passed
  cancelled,           // the job was cancelled
  internal,            // a bug or an unexpected condition in a plugin or the host
  plugin_crashed,      // the plugin's worker process died (a signal, exit()) during the call
  journal,             // the journal could not record the job
};
std::string_view to_string(ErrorKind kind);
inline std::ostream &operator<<(std::ostream &os, ErrorKind kind) { return os << to_string(kind); }
// A kind equals its wire name: error->kind == "denied".
inline bool operator==(ErrorKind kind, std::string_view name) { return to_string(kind) == name; }
// 0 is never returned: 1 failed, 2 usage/unknown/invalid, 3 denied/guard, 4 journal/internal
// runtime trouble, 124 timeout, 130 cancelled.
int exit_code_of(ErrorKind kind);

// What the caller can do next, as data.
enum class Remedy {
  none,
  fix_arguments,      // the capability's schema lists what is accepted
  choose_capability,  // the name is unknown; `suggestions` holds the closest ones
  raise_deadline,     // give the job more time
  free_resources,     // the machine is under pressure; rescue capabilities still run
  check_home,         // the journal or home is unusable: disk space, permissions
};
std::string_view to_string(Remedy remedy);

struct ErrorDetail {
  std::string path;  // JSON pointer into the arguments ("" = the whole document)
  std::string message;
};

struct JobError {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  std::vector<ErrorDetail> details;
  std::string hint;
  Remedy remedy = Remedy::none;
  std::vector<std::string> suggestions;  // capability names, for Remedy::choose_capability
  // {"kind","message","details":[{"path","message"}],"hint","remedy"[,"suggestions"]}
  boost::json::value to_json() const;
};

struct JobResult {
  std::string job_id;
  std::string capability;
  JobStatus status = JobStatus::failed;
  bool success = false;
  boost::json::value data;  // the capability's output (null when none)
  std::string message;
  std::optional<JobError> error;
  std::string stage;  // for rejected jobs: resolve | guard | parse | schema | validate
  // Before/after snapshots of an accepted job (null for rejected jobs):
  //   telemetry {"before":{…},"after":{…}}
  //   processes {"before":{summary},"after":{summary},"delta":{appeared, exited, …}}
  // and, for a job refused by the resource guard, the guard's reading (null otherwise).
  boost::json::value telemetry;
  boost::json::value processes;
  boost::json::value guard;
  // What the job changed through the write service, for undo: one entry per path it backed up,
  // in order, {path, stored, before: kind, after: the path's metadata after the job}; null when
  // it changed nothing.
  boost::json::value backups;
  bool dry_run = false;
  double duration_ms = 0;
  std::uint64_t wal_seq = 0;  // seq of the job's last journal event (0 when none was written)

  // 0 success, else exit_code_of(error->kind).
  int exit_code() const;
  boost::json::value to_json() const;
};

}  // namespace runtimo
