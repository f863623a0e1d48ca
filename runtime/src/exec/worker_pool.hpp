// exec/worker_pool.hpp — the host side of supervision (DESIGN §9): plugin code runs in worker
// processes the host forks and watches, so nothing a plugin does in validate or execute — a
// segfault, abort(), exit(), a loop that ignores its deadline, a fork that returns twice, a
// child left running — can take the host down, write to its journal or answer for a job twice.
//
// Owns the workers: one is taken per call (an idle worker of the capability's plugin, or a
// new fork of the host), serves that call, and goes back to the idle ones when it is healthy,
// so a long-lived host (the embedding API, the MCP server) pays the fork once per plugin while
// the CLI's one job pays it once. While a call runs, the host serves the worker's requests
// (output, errors, notes, paths, snapshots) through the in-process host API with the job's
// own handle, so every rule of that API (phases, bounds, UTF-8, policy) holds as it does in the
// host. The call ends when the worker answers "done", when it dies (its status says how), or
// when the job's deadline (plus a short grace for the plugin's own answer) passes: then the
// worker's whole process group is killed.
//
// A plugin whose config says "isolation": "in_process" is called directly in the host thread,
// as before supervision: faster by the fork and the round trips, and unprotected.
#pragma once

#include "exec/job_context.hpp"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::exec {

// How one plugin call ended, beyond the status it returned.
struct CallOutcome {
  rt_status status = RT_OK;
  std::optional<std::string> crash;  // the worker died: "killed by signal 11 (SIGSEGV)", …
  bool past_deadline = false;        // the worker was killed at the deadline
  bool cancelled = false;            // the worker was killed after the job was cancelled
  std::size_t leftovers = 0;         // processes the plugin left running, killed after the call
  bool supervised = false;
};

class WorkerPool {
 public:
  // `in_process`: the names of plugins trusted to run in the host.
  WorkerPool(const plugin::PluginRegistry &registry, std::set<std::string> in_process);
  ~WorkerPool();  // closes every channel and reaps every worker
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  // Runs `job`'s capability's validate or execute (job.phase says which) with `args`.
  // Thread-safe: concurrent calls use different workers.
  CallOutcome call(Job &job, rt_str args);

  struct Worker;
  class Forker;

 private:
  std::unique_ptr<Worker> take(const std::string &plugin);
  void give_back(const std::string &plugin, std::unique_ptr<Worker> worker);

  const plugin::PluginRegistry &registry_;
  const std::set<std::string> in_process_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<Worker>>> idle_;
  std::unique_ptr<Forker> forker_;  // stopped after the workers are reaped (see ~WorkerPool)
};

}  // namespace runtimo::exec
