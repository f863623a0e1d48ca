// spawn/job_run.hpp — JobRun: one command from start to nothing left, the state machine behind
// run_process (process_runner.hpp). Private to the spawn module. job_run.cpp starts the child
// and runs the poll loop (output, stdin, the main process's exit); job_run_ending.cpp samples
// the job's processes and walks the ending — SIGTERM, the grace, SIGKILL until none is found —
// and finishes the result.
#pragma once

#include "spawn/process_runner.hpp"

#include "spawn/child_start.hpp"
#include "spawn/detached_reaper.hpp"
#include "spawn/job_processes.hpp"
#include "spawn/output_capture.hpp"
#include "spawn/pipe_io.hpp"
#include "spawn/process_log.hpp"
#include "util/unique_fd.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace runtimo::spawn {

using Clock = std::chrono::steady_clock;
constexpr auto kSampleInterval = std::chrono::milliseconds(20);  // also how often cancellation is polled
// A long command is sampled less often after its first second: a build running for an hour
// would otherwise cost minutes of CPU in /proc reads. Every process is still ended at the
// deadline (cgroup.kill, or the marker scan at the end), only short-lived ones may go unlisted.
constexpr auto kSettledAfter = std::chrono::seconds(1);
constexpr auto kSettledInterval = std::chrono::milliseconds(100);  // cgroup: reads of cgroup.procs and its members
constexpr auto kSettledScanInterval = std::chrono::milliseconds(250);  // process group: a scan of all of /proc
// After SIGKILL a process can still take a while (uninterruptible I/O); past this it is
// reported as a leftover and handed to the detached reaper rather than blocking the caller.
constexpr auto kKillGiveUp = std::chrono::seconds(10);
constexpr std::size_t kReadBufferBytes = 256 * 1024;
constexpr int kReadsPerWake = 16;  // bounded so one busy stream cannot starve the other

struct OutputStream {
  const char *name;
  UniqueFd fd;
  StreamCollector collector;
};

enum class Ending { none, terminating, killing };

class JobRun {
 public:
  explicit JobRun(const SpawnRequest &request)
      : request_(request),
        out_{"stdout", {}, StreamCollector(request.max_stdout_bytes)},
        err_{"stderr", {}, StreamCollector(request.max_stderr_bytes)} {}

  SpawnResult run() {
    if (!start()) return std::move(result_);
    try {
      loop();
    } catch (...) {  // a callback threw, or ppoll failed: the command must not outlive the run
      kill_everything();
      throw;
    }
    finish();
    return std::move(result_);
  }

 private:
  bool start();
  bool start_once(std::optional<JobCgroup> cgroup, bool &retry_without_cgroup);
  void loop();
  Clock::time_point next_wake(Clock::time_point now) const;
  void wait_for_events(Clock::time_point now);
  void read_available(OutputStream &stream, int max_reads);
  void feed_stdin();
  void reap_main(bool block);
  void sample();
  void begin_ending(Clock::time_point now);
  bool advance_ending(Clock::time_point now);
  void finish();
  void kill_everything() noexcept;
  // No member left. With a cgroup also "populated 0": cgroup.procs stops listing a process as
  // it begins to exit, and the cgroup can only be removed once it has finished.
  bool all_gone() const {
    return members_.empty() && (!job_->cgroup() || !job_->cgroup()->populated());
  }

  const SpawnRequest &request_;
  SpawnResult result_;
  Clock::time_point start_time_, deadline_, ending_deadline_, next_sample_;
  OutputStream out_, err_;
  UniqueFd stdin_fd_;
  std::string_view stdin_left_;
  UniqueFd pidfd_;
  bool main_reaped_ = false;
  std::unique_ptr<JobProcesses> job_;
  std::vector<ProcStat> members_;
  std::set<std::pair<pid_t, std::uint64_t>> sent_term_;
  ProcessLog log_;
  Ending ending_ = Ending::none;
  bool gave_up_ = false;
  // Not zero-filled: its pages are only touched (faulted in) by a command that writes much.
  std::unique_ptr<char[]> buffer_{new char[kReadBufferBytes]};
};

}  // namespace runtimo::spawn
