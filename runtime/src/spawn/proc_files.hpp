// spawn/proc_files.hpp — what the runner reads about a process from /proc: its stat line
// (parent, process group, session, state, start time), command line, whether its environment
// carries the job's marker, which cgroup v2 it is in, and the runtime's own children. Start times
// make a pid unambiguous: (pid, start time) never names two processes, so a recycled pid is never
// taken for a job's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::spawn {

struct ProcStat {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t sid = 0;
  char state = '?';               // R, S, D, Z, T, ...
  std::uint64_t start_ticks = 0;  // since boot, in clock ticks
  std::string comm;

  bool zombie() const { return state == 'Z' || state == 'X'; }
};

// Reads a small file whole (a /proc or cgroup file); nullopt when it cannot be opened or read.
std::optional<std::string> read_small_file(const std::string &path);

// Every numeric entry of /proc.
std::vector<pid_t> list_pids();

// nullopt when the process is gone.
std::optional<ProcStat> read_proc_stat(pid_t pid);

// The runtime's children, zombies included, from /proc/self/task/*/children (orphans of a job
// are re-parented to one of its threads); nullopt where the kernel has no such files.
std::optional<std::vector<pid_t>> runtime_children();

// The arguments joined by spaces ("" when gone or a kernel thread).
std::string read_cmdline(pid_t pid);

// Whether /proc/<pid>/environ holds exactly `entry` ("NAME=value") as one of its strings;
// nullopt when it could not be read (gone, in the middle of an exec).
std::optional<bool> environ_contains(pid_t pid, std::string_view entry);

// The "0::<path>" line of /proc/<pid>/cgroup, nullopt when gone (zombies still have it).
std::optional<std::string> read_cgroup2_path(pid_t pid);

}  // namespace runtimo::spawn
