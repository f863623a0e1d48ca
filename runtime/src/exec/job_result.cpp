// exec/job_result.cpp — JobResult's exit-code mapping and JSON form (the `run --json` shape).
#include <runtimo/runtime.hpp>

#include <boost/json.hpp>

namespace runtimo {

std::string_view to_string(JobStatus status) {
  switch (status) {
    case JobStatus::completed: return "completed";
    case JobStatus::failed: return "failed";
    case JobStatus::rejected: return "rejected";
    case JobStatus::timed_out: return "timed_out";
  }
  return "failed";
}

int JobResult::exit_code() const {
  if (error && error->kind == "journal") return 4;
  if (success) return 0;
  if (status == JobStatus::timed_out) return 124;
  const std::string kind = error ? error->kind : "failed";
  if (kind == "usage" || kind == "unknown_capability" || kind == "invalid_args") return 2;
  if (kind == "denied" || kind == "guard") return 3;
  if (kind == "runtime") return 4;
  if (kind == "timeout") return 124;
  return 1;
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
  if (error) {
    boost::json::array details;
    for (const auto &d : error->details)
      details.push_back(boost::json::object{{"path", d.path}, {"message", d.message}});
    o["error"] = boost::json::object{{"kind", error->kind},
                                     {"message", error->message},
                                     {"details", std::move(details)},
                                     {"hint", error->hint}};
  } else {
    o["error"] = nullptr;
  }
  if (!stage.empty()) o["stage"] = stage;
  if (!guard.is_null()) o["guard"] = guard;
  o["telemetry"] = telemetry;
  o["processes"] = processes;
  o["duration_ms"] = duration_ms;
  o["wal_seq"] = wal_seq;
  o["exit_code"] = exit_code();
  return o;
}

}  // namespace runtimo
