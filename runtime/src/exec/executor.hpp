// exec/executor.hpp — the pipeline of DESIGN §3 for one job, one short function per stage:
//
//   request → resolve → guard → parse → schema → validate ─┬─ refused → job.rejected
//                                                           └─ job.started → execute → end
//
// Before execute every stage may refuse (a Refusal: stage + JobError), and a refused job is
// journaled once as job.rejected; execute is never reached from there. From job.started on,
// a JobRecord owns the job's end: whatever happens (a plugin error, an exception in the host,
// a snapshot that cannot be read), exactly one terminal event is written. The executor is the
// only code that calls a plugin's validate/execute, and it calls execute with the very
// argument text validate accepted.
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/job.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string_view>

namespace runtimo::exec {

struct Admission;

class Executor {
 public:
  explicit Executor(Services services);

  // Thread-safe.
  JobResult run(std::string_view capability, std::string_view args_json, const RunOptions &options);

 private:
  JobResult reject(Admission &a, std::string stage, JobError error);
  JobResult execute(Admission &a);
  std::mutex &serial_lock(const plugin::LoadedCapability *cap);

  Services services_;
  std::mutex serial_map_mutex_;
  std::map<const plugin::LoadedCapability *, std::unique_ptr<std::mutex>> serial_locks_;
};

}  // namespace runtimo::exec
