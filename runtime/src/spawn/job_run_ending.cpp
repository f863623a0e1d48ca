// spawn/job_run_ending.cpp — JobRun's sampling of the job's processes and its ending: SIGTERM
// to every process (and to those born since), SIGKILL to what is left after the grace (cgroup.kill
// where there is one), repeated until none is found, then the result finished — leftovers, cgroup
// figures, the cgroup removed or handed to the detached reaper. See job_run.hpp.
#include "spawn/job_run.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace runtimo::spawn {

using namespace std::chrono_literals;

void JobRun::sample() {
  members_ = job_->scan();
  for (const auto &m : members_) log_.note(m);
  const auto now = Clock::now();
  next_sample_ = now + (now - start_time_ < kSettledAfter ? kSampleInterval
                        : job_->cgroup() != nullptr   ? kSettledInterval
                                                      : kSettledScanInterval);
  if (ending_ == Ending::terminating) {  // processes born since the SIGTERM get one too
    std::vector<ProcStat> unsignalled;
    for (const auto &m : members_) {
      if (sent_term_.insert({m.pid, m.start_ticks}).second) unsignalled.push_back(m);
    }
    if (!unsignalled.empty()) job_->signal_all(SIGTERM, unsignalled);
  }
}

void JobRun::begin_ending(Clock::time_point now) {
  ending_ = Ending::terminating;
  ending_deadline_ = now + request_.kill_grace;
  sample();
}

// False when the run should stop waiting: every process is gone, or SIGKILL did not end them.
bool JobRun::advance_ending(Clock::time_point now) {
  if (ending_ == Ending::none) return true;
  if (all_gone() && main_reaped_) return false;
  if (ending_ == Ending::terminating && now >= ending_deadline_) {
    ending_ = Ending::killing;
    ending_deadline_ = now + kKillGiveUp;
  }
  if (ending_ == Ending::killing) {
    if (now >= ending_deadline_) {
      gave_up_ = true;
      return false;
    }
    // Again at every sample: a process forked between a scan and the kill is caught next time.
    if (!members_.empty()) job_->kill_all(members_);
    next_sample_ = std::min(next_sample_, now + 5ms);
  }
  return true;
}

void JobRun::finish() {
  // Whatever is already in the pipes belongs to the result; a writer still holding them (with
  // detach, or a process that could not be killed) is not waited for.
  read_available(out_, 64);
  read_available(err_, 64);
  out_.fd.reset();
  err_.fd.reset();
  stdin_fd_.reset();
  result_.out = out_.collector.capture();
  result_.err = err_.collector.capture();

  // The loop ends right after a scan made since the main process was reaped (who is left
  // decided that it ended), except when SIGKILL did not end everything in time: look again.
  const bool scan_again = gave_up_ || !main_reaped_;
  if (!main_reaped_) {  // SIGKILL did not end it: the reaper waits for it
    job_->main_reaped();
  }
  if (scan_again) members_ = job_->scan();
  result_.leftovers = log_.mark_running(members_);
  if (auto *cgroup = job_->cgroup()) {
    if (auto peak = cgroup->memory_peak()) result_.memory_peak_bytes = peak;
    if (auto cpu = cgroup->cpu_usage_usec()) result_.cpu_usec = cpu;
    if (members_.empty() && !cgroup->populated() && cgroup->remove()) {
      result_.processes = log_.take();
      return;
    }
  } else if (members_.empty()) {
    result_.processes = log_.take();
    return;
  }
  result_.processes = log_.take();
  keep_reaping(std::move(job_));
}

void JobRun::kill_everything() noexcept {
  try {
    const auto give_up = Clock::now() + kKillGiveUp;
    for (;;) {
      if (!main_reaped_) reap_main(false);
      members_ = job_->scan();
      if (all_gone() && main_reaped_) break;
      if (Clock::now() >= give_up) break;
      job_->kill_all(members_);
      std::this_thread::sleep_for(5ms);
    }
    if (!main_reaped_) job_->main_reaped();  // the reaper waits for it
    if (members_.empty() && job_->cgroup() && job_->cgroup()->remove()) return;
    if (!members_.empty() || job_->cgroup()) keep_reaping(std::move(job_));
  } catch (...) {
    // Out of memory while cleaning up after a failure: nothing better is left to do.
  }
}

}  // namespace runtimo::spawn
