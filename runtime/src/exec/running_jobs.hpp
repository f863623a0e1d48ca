// exec/running_jobs.hpp — which jobs are executing right now, so a crash cannot leave a job
// silently unfinished (DESIGN §4: "jobs that started and never finished get job.interrupted").
//
// Each executing job has a marker file <home>/run/<job id> holding its runner's pid, start time
// and capability, created right after job.started is durable and removed after the terminal
// event. The runner holds an exclusive flock(2) on the marker for as long as the job executes,
// so the kernel, not a pid check, says whether the runner is alive: the lock goes away with the
// process however it dies, and a reused pid cannot fool it. When a Runtime opens, a marker it
// can lock (and that is still linked) belongs to a job whose runner died: it is journaled as
// interrupted while the lock is held, then removed — so two Runtimes opening at once journal it
// once, and a job that finishes while being looked at is never called interrupted.
// Markers are a derived index, not the record: the journal stays the source of truth.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace runtimo::exec {

struct OrphanedJob {
  std::string job_id;
  std::string capability;   // empty if the marker could not be read
  std::int64_t runner_pid = 0;
  std::uint64_t runner_start_time = 0;
};

class RunningJobs {
 public:
  explicit RunningJobs(std::filesystem::path dir);  // creates dir (0700)
  ~RunningJobs();
  RunningJobs(const RunningJobs &) = delete;
  RunningJobs &operator=(const RunningJobs &) = delete;

  // Best effort: a marker that cannot be written is logged, never fails the job.
  void begin(const std::string &job_id, const std::string &capability);
  void end(const std::string &job_id);

  // Calls `journal` for every job whose runner is gone, holding that job's marker lock, and
  // removes the marker once `journal` returns. If `journal` throws, the marker stays for the next
  // open and the exception propagates. Returns how many orphans were handled.
  std::size_t recover_orphans(const std::function<void(const OrphanedJob &)> &journal);

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, int> held_;  // job id -> fd holding the marker's lock
};

}  // namespace runtimo::exec
