// spawn/process_runner.hpp — runs one command for a job and leaves nothing behind: an argv
// (no shell) with an explicit environment, a checked working directory, stdin from a string
// or /dev/null, stdout and stderr read concurrently while it runs (head and tail kept per
// stream, the total counted), a deadline after which every process of the job gets SIGTERM and,
// after a grace period, SIGKILL, cancellation, and every process the command started recorded.
//
// Containment: the command runs in a cgroup v2 of its own (<the runtime's cgroup>/runtimo-job-
// <id>, the child created in it, so no fork escapes it) when the runtime may create
// one — then cgroup.kill ends it and memory.peak and cpu.stat are reported; else in a new
// session and process group, with the runtime a child subreaper (PR_SET_CHILD_SUBREAPER), and
// the processes marked by RUNTIMO_SPAWN_ID=<id> in their environment, so a `setsid` double
// fork is still found (/proc/<pid>/environ) and killed. No zombie is left either way.
//
// This module knows nothing of plugins, the journal or JSON: exec/spawn_service builds the
// request from a job (policy, environment allow-list, deny-list, declared writes) and reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::spawn {

// What is kept of one output stream: its first and last bytes, up to a cap in all.
struct StreamCapture {
  std::string head;          // the first bytes (all of them when not truncated; tail then empty)
  std::string tail;          // the last bytes, when the stream was longer than the cap
  std::uint64_t total = 0;   // bytes the command wrote to the stream
  bool truncated = false;    // total > head.size() + tail.size()
};

enum class Containment { cgroup, process_group };

struct SpawnRequest {
  std::string id;                         // [0-9a-f]{32}: names the cgroup and the env marker
  std::string executable;                 // absolute path of what is executed (already resolved)
  std::vector<std::string> argv;          // argv[0] included
  std::vector<std::string> env;           // the whole environment, "NAME=value" each
  std::filesystem::path cwd;              // absolute; the child fails to start when it is gone
  std::optional<std::string> stdin_data;  // nullopt: /dev/null
  std::uint64_t max_stdout_bytes = 1 << 20;  // head + tail kept of each stream
  std::uint64_t max_stderr_bytes = 1 << 20;
  std::chrono::milliseconds timeout{60000};  // from the start; then SIGTERM to every process
  std::chrono::milliseconds kill_grace{2000};  // then SIGKILL (cgroup.kill)
  // Leave the processes still running when the main process exits (reported as leftovers);
  // else they get SIGTERM then SIGKILL as at the deadline, as soon as the main process exits.
  // Left processes re-parented to the runtime (its subreaper) are reaped by a background
  // thread of this module as they exit, and their cgroup is removed once it is empty.
  bool detach = false;
  bool use_cgroup = true;  // false: process group + subreaper even where a cgroup is possible
  // Polled while it runs (at least every 50 ms): true ends the command as at the deadline.
  std::function<bool()> cancelled;
  // Called from the runner's thread with each chunk read, for progress (may be empty).
  std::function<void(std::string_view stream, std::string_view chunk)> on_output;
};

// One process of the job, as seen in /proc while it ran.
struct SpawnedProcess {
  std::int64_t pid = 0;
  std::int64_t ppid = 0;
  std::string comm;
  std::string cmdline;        // arguments joined by spaces (empty when not read in time)
  bool running_at_end = false;  // still alive when the run returned (only with detach, or when it could not be killed)
};

struct SpawnResult {
  bool started = false;             // false: exec failed (start_error says why); nothing ran
  std::string start_error;          // e.g. "execve /usr/bin/nope: No such file or directory"
  int start_errno = 0;
  std::int64_t pid = 0;             // the main process
  std::optional<int> exit_code;     // when it exited
  std::optional<int> signal;        // when a signal ended it
  bool timed_out = false;           // the deadline passed before the main process exited
  bool cancelled = false;
  StreamCapture out, err;
  std::chrono::microseconds duration{0};  // start to the main process's exit
  Containment containment = Containment::process_group;
  std::vector<SpawnedProcess> processes;  // every process of the job seen, main first
  std::vector<SpawnedProcess> leftovers;  // those still running at the end
  std::optional<std::uint64_t> memory_peak_bytes;  // cgroup memory.peak, where there is one
  std::optional<std::uint64_t> cpu_usec;           // cgroup cpu.stat usage_usec, or the main process's rusage
};

// Runs the command and returns when its main process has exited and the rest of its processes
// have been ended (or left running with detach), or when it could not start. Blocking;
// thread-safe (concurrent runs are independent). Throws std::system_error only for failures of
// the runner itself (pipe, fork), never for the command's own failure.
SpawnResult run_process(const SpawnRequest &request);

// Whether the runtime may contain commands in cgroups here (a writable cgroup v2 it belongs
// to), and why not when it may not — for `runtimo doctor`-style reports and the result.
struct CgroupSupport {
  bool available = false;
  std::filesystem::path parent;  // where job cgroups are created
  std::string why_not;
};
const CgroupSupport &cgroup_support();

}  // namespace runtimo::spawn
