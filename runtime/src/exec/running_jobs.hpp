// exec/running_jobs.hpp — which jobs are executing right now, so a crash cannot leave a job
// silently unfinished (DESIGN §4: "jobs that started and never finished get job.interrupted").
//
// Each executing job has a marker file <home>/run/<job id> holding its runner's pid and start
// time, created right after job.started is durable and removed after the terminal event. When a
// Runtime opens, a marker whose runner process is gone (pid absent, or reused by a process with
// another start time) is an interrupted job. Markers are a derived index, not the record: the
// journal stays the source of truth, and a marker lost in a power cut only means the job shows
// as "running" until someone looks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::exec {

struct OrphanedJob {
  std::string job_id;
  std::string capability;
  std::int64_t runner_pid = 0;
  std::uint64_t runner_start_time = 0;
};

class RunningJobs {
 public:
  explicit RunningJobs(std::filesystem::path dir);  // creates dir (0700)

  // Best effort: a marker that cannot be written is logged, never fails the job.
  void begin(const std::string &job_id, const std::string &capability) const;
  void end(const std::string &job_id) const;

  // Markers whose runner process no longer exists.
  std::vector<OrphanedJob> orphans() const;

 private:
  std::filesystem::path dir_;
};

}  // namespace runtimo::exec
