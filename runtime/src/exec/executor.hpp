// exec/executor.hpp — the pipeline of DESIGN §3 for one job:
//   resolve → parse → schema → validate ─┬─ rejected → job.rejected (execute never called)
//                                         └─ job.started (durable) → execute → terminal event
// The executor is the only code that calls a plugin's validate/execute, and it always calls
// execute with the same argument text validate accepted.
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/runtime.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string_view>

namespace runtimo::exec {

class Executor {
 public:
  explicit Executor(Services services);

  // Thread-safe.
  JobResult run(std::string_view capability, std::string_view args_json, const RunOptions &options);

 private:
  std::mutex &serial_lock(const plugin::LoadedCapability *cap);

  Services services_;
  std::mutex serial_map_mutex_;
  std::map<const plugin::LoadedCapability *, std::unique_ptr<std::mutex>> serial_locks_;
};

}  // namespace runtimo::exec
