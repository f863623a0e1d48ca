// spawn/job_processes.hpp — JobProcesses: which processes belong to one job right now, how to
// signal all of them, and the reaping of those that became the runtime's children.
//
// With a cgroup the members are its cgroup.procs, and /proc is read only for them and for the
// runtime's own children (/proc/self/task/*/children). Without, a process belongs to the job when
// it started after the main process and any of these holds: it is in the main process's session or
// process group; its parent is a member (descendants, through /proc ppid links); its environment
// carries RUNTIMO_SPAWN_ID=<id> (a `setsid` double fork keeps it); it was a member at an earlier
// scan (same pid and start time). Orphans are re-parented to the runtime (a child subreaper), so
// their zombies are ours to reap: each scan reaps the job's zombies whose parent is the runtime, by
// pid (waitpid(pid, WNOHANG)) — never waitpid(-1), which would steal the children other parts of
// the runtime own. The main process is left to the runner until main_reaped(), since its exit
// status is the result.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/job_cgroup.hpp"
#include "spawn/proc_files.hpp"

namespace runtimo::spawn {

// The environment entry every process of job `id` carries ("RUNTIMO_SPAWN_ID=<id>").
inline std::string spawn_marker(std::string_view id) { return "RUNTIMO_SPAWN_ID=" + std::string(id); }

class JobProcesses {
 public:
  JobProcesses(pid_t main_pid, std::uint64_t main_start_ticks, std::string marker,
               std::optional<JobCgroup> cgroup);

  // The job's live processes now (zombies excluded; those that are the runtime's are reaped).
  std::vector<ProcStat> scan();
  // The runner has waited for the main process: from now on its pid is nobody's.
  void main_reaped() { main_reaped_ = true; }

  // Sends `sig` to each of `members` (by pidfd, checked against the start time, so a recycled
  // pid is never hit) and, without a cgroup, to the main process group while it exists.
  void signal_all(int sig, const std::vector<ProcStat> &members);
  // SIGKILL to every member: cgroup.kill when there is one, else as signal_all.
  void kill_all(const std::vector<ProcStat> &members);

  JobCgroup *cgroup() { return cgroup_ ? &*cgroup_ : nullptr; }

 private:
  using Identity = std::pair<pid_t, std::uint64_t>;  // pid, start ticks

  std::vector<ProcStat> scan_cgroup();
  std::vector<ProcStat> scan_session_and_marker(const std::vector<ProcStat> &all);
  // waitpid(pid, WNOHANG) if it is a zombie child of the runtime that belongs to the job.
  void reap_if_ours(const ProcStat &process);
  bool has_marker(const ProcStat &process);

  pid_t main_pid_;
  std::uint64_t main_start_ticks_;
  std::string marker_;
  std::optional<JobCgroup> cgroup_;
  bool main_reaped_ = false;
  std::set<Identity> known_members_;
  std::set<Identity> known_strangers_;  // environ read, no marker: not read again
};

}  // namespace runtimo::spawn
