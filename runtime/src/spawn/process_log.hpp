// spawn/process_log.hpp — ProcessLog: every process of a job seen while it ran, in the order
// first seen (the main process first), one entry per (pid, start time), with its command line
// read the first time it is seen (later it may have exited) and again if its comm changes (seen
// first between fork and exec, it is then recorded as what it exec'd).
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "spawn/proc_files.hpp"
#include "spawn/process_runner.hpp"

namespace runtimo::spawn {

class ProcessLog {
 public:
  void note(const ProcStat &process);
  // Marks the given still-running processes (running_at_end) and returns them as leftovers.
  std::vector<SpawnedProcess> mark_running(const std::vector<ProcStat> &running);
  std::vector<SpawnedProcess> take() { return std::move(processes_); }

 private:
  std::vector<SpawnedProcess> processes_;
  std::map<std::pair<std::int64_t, std::uint64_t>, std::size_t> index_;  // (pid, start) -> entry
};

}  // namespace runtimo::spawn
