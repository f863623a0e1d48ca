// exec/job_result.cpp — the public job types of runtimo/job.hpp: names of statuses, error kinds
// and remedies, the one mapping from error kind to exit code, and the JSON forms (the
// `run --json` shape).
#include <runtimo/job.hpp>

#include <boost/json.hpp>

namespace runtimo {

std::string_view to_string(JobStatus status) {
  switch (status) {
    case JobStatus::completed: return "completed";
    case JobStatus::failed: return "failed";
    case JobStatus::rejected: return "rejected";
    case JobStatus::timed_out: return "timed_out";
    case JobStatus::cancelled: return "cancelled";
  }
  return "failed";
}

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::unknown_capability: return "unknown_capability";
    case ErrorKind::invalid_args: return "invalid_args";
    case ErrorKind::denied: return "denied";
    case ErrorKind::guard: return "guard";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::failed: return "failed";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::internal: return "internal";
    case ErrorKind::plugin_crashed: return "plugin_crashed";
    case ErrorKind::journal: return "journal";
  }
  return "internal";
}

int exit_code_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::unknown_capability:
    case ErrorKind::invalid_args: return 2;
    case ErrorKind::denied:
    case ErrorKind::guard: return 3;
    case ErrorKind::journal: return 4;
    case ErrorKind::timeout: return 124;
    case ErrorKind::cancelled: return 130;
    case ErrorKind::not_found:
    case ErrorKind::failed:
    case ErrorKind::internal:
    case ErrorKind::plugin_crashed: return 1;
  }
  return 1;
}

std::string_view to_string(Remedy remedy) {
  switch (remedy) {
    case Remedy::none: return "none";
    case Remedy::fix_arguments: return "fix_arguments";
    case Remedy::choose_capability: return "choose_capability";
    case Remedy::raise_deadline: return "raise_deadline";
    case Remedy::free_resources: return "free_resources";
    case Remedy::check_home: return "check_home";
  }
  return "none";
}

boost::json::value JobError::to_json() const {
  boost::json::array d;
  for (const auto &x : details) d.push_back(boost::json::object{{"path", x.path}, {"message", x.message}});
  boost::json::object o{{"kind", to_string(kind)},
                        {"message", message},
                        {"details", std::move(d)},
                        {"hint", hint},
                        {"remedy", to_string(remedy)}};
  if (!suggestions.empty()) {
    boost::json::array s;
    for (const auto &name : suggestions) s.emplace_back(name);
    o["suggestions"] = std::move(s);
  }
  return o;
}

int JobResult::exit_code() const {
  if (success) return 0;
  return exit_code_of(error ? error->kind : ErrorKind::failed);
}

boost::json::value JobResult::to_json() const {
  boost::json::object o;
  o["job_id"] = job_id;
  o["capability"] = capability;
  o["status"] = to_string(status);
  o["success"] = success;
  o["dry_run"] = dry_run;
  o["data"] = data;
  o["message"] = message;
  o["error"] = error ? error->to_json() : boost::json::value(nullptr);
  if (!stage.empty()) o["stage"] = stage;
  if (!guard.is_null()) o["guard"] = guard;
  o["telemetry"] = telemetry;
  o["processes"] = processes;
  if (!backups.is_null()) o["backups"] = backups;
  o["duration_ms"] = duration_ms;
  o["wal_seq"] = wal_seq;
  o["exit_code"] = exit_code();
  return o;
}

}  // namespace runtimo
