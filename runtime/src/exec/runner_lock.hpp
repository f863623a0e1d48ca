// exec/runner_lock.hpp — which runners are alive, told by locks only a live runner holds.
//
// A runner is one Runtime that runs jobs. Before its first job it creates
// <home>/run/runner-<id> and holds an exclusive flock(2) on it for as long as it lives; every
// job.started it writes names that id. So the journal says who runs each job, and the kernel
// says whether that runner still lives: the lock goes with the process however it dies
// (SIGKILL, OOM kill, power loss), and a reused pid cannot fake it. A started job without a
// terminal event whose runner holds no lock can never end by itself: it is journaled as
// interrupted (interrupted_jobs.hpp).
//
// The lock file is locked before it is given its name (created as .runner-<id>.tmp, locked,
// renamed), so no one ever sees an unlocked lock of a live runner; a fork of the runner closes
// its copy of the descriptor (pthread_atfork), so a child left behind by a plugin does not keep
// a dead runner alive. Every file is opened relative to the run directory's descriptor with
// O_NOFOLLOW.
#pragma once

#include "exec/job_context.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace runtimo::exec {

class RunnerLock {
 public:
  // Creates <home>/run (0700) if needed and the lock of a new runner. Throws std::runtime_error
  // with the reason when the run directory cannot be used.
  static std::unique_ptr<RunnerLock> acquire(const std::filesystem::path &home);
  // Removes the lock file, then releases the lock.
  ~RunnerLock();
  RunnerLock(const RunnerLock &) = delete;
  RunnerLock &operator=(const RunnerLock &) = delete;

  const RunnerIdentity &identity() const { return identity_; }

 private:
  RunnerLock(int dir_fd, int lock_fd, RunnerIdentity identity);
  int dir_fd_;
  int lock_fd_;
  RunnerIdentity identity_;
};

// Whether the runner a job.started names (its "runner" member: {"id", "pid", "start_time"}) is
// alive. Reads only: opens the lock read-only and probes it with a shared non-blocking flock.
// A runner without an id (written before runner locks existed) is judged by the old per-job
// marker <home>/run/<job id>. An unusable run directory counts as "alive" (nothing is ever
// called interrupted on a guess).
bool runner_alive(const std::filesystem::path &home, std::string_view runner_id,
                  std::string_view job_id);

// Removes the lock files (and leftovers of interrupted creations) of runners that are gone.
void remove_dead_runner_locks(const std::filesystem::path &home);

}  // namespace runtimo::exec
