// spawn/process_runner.cpp — run_process: one command from start to nothing left (the contract
// is in process_runner.hpp), run by a JobRun (job_run.hpp): it starts the child (child_start),
// then one poll loop reads stdout and stderr, feeds stdin, notices the main process's exit
// through its pidfd, samples the job's processes (job_processes) every 20 ms, every 100 or
// 250 ms after the first second, and walks the ending — SIGTERM to every process, SIGKILL to
// those left after the grace, repeated until none is found — when the deadline passes, the
// caller cancels, or the main process exits and others remain (unless detach).
#include "spawn/process_runner.hpp"

#include "spawn/job_run.hpp"

namespace runtimo::spawn {

SpawnResult run_process(const SpawnRequest &request) {
  return JobRun(request).run();
}

}  // namespace runtimo::spawn
