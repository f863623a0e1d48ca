// spawn/process_runner.cpp — run_process: one command from start to nothing left (the contract
// is in process_runner.hpp). A JobRun starts the child (child_start), then one poll loop does
// everything while it runs: it reads stdout and stderr, feeds stdin, notices the main process's
// exit through its pidfd, samples the job's processes every 20 ms (every 100 or 250 ms after the first second;
// job_processes), and walks
// the ending — SIGTERM to every process, SIGKILL to those left after the grace, repeated until
// none is found — when the deadline passes, the caller cancels, or the main process exits and
// others remain (unless detach). Every poll timeout is cut to the next of those moments.
#include "spawn/process_runner.hpp"

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

#include "spawn/child_start.hpp"
#include "spawn/detached_reaper.hpp"
#include "spawn/job_processes.hpp"
#include "spawn/output_capture.hpp"
#include "spawn/pipe_io.hpp"
#include "spawn/process_log.hpp"

namespace runtimo::spawn {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kSampleInterval = 20ms;  // also how often cancellation is polled
// A long command is sampled less often after its first second: a build running for an hour
// would otherwise cost minutes of CPU in /proc reads. Every process is still ended at the
// deadline (cgroup.kill, or the marker scan at the end), only short-lived ones may go unlisted.
constexpr auto kSettledAfter = 1s;
constexpr auto kSettledInterval = 100ms;  // cgroup: reads of cgroup.procs and its members
constexpr auto kSettledScanInterval = 250ms;  // process group: a scan of all of /proc
// After SIGKILL a process can still take a while (uninterruptible I/O); past this it is
// reported as a leftover and handed to the detached reaper rather than blocking the caller.
constexpr auto kKillGiveUp = 10s;
constexpr std::size_t kReadBufferBytes = 256 * 1024;
constexpr int kReadsPerWake = 16;  // bounded so one busy stream cannot starve the other

void become_subreaper() {
  // Orphans of a job (a double fork) are re-parented to us instead of init, so they stay
  // visible by ppid and their zombies are ours to reap. Process-wide: set once.
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

bool is_spawn_id(const std::string &id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

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

bool JobRun::start() {
  if (!is_spawn_id(request_.id)) {
    result_.start_errno = EINVAL;
    result_.start_error = "spawn id \"" + request_.id + "\" is not 32 lower-case hex digits";
    return false;
  }
  become_subreaper();
  std::optional<JobCgroup> cgroup;
  if (request_.use_cgroup && cgroup_support().available) {
    std::string ignored;  // cannot make one (e.g. a detached run with this id is still there)
    cgroup = JobCgroup::create(cgroup_support().parent, request_.id, ignored);
  }
  bool retry_without_cgroup = false;
  const bool had_cgroup = cgroup.has_value();
  if (start_once(std::move(cgroup), retry_without_cgroup)) return true;
  // The probe's cgroup could be made but not joined (a delegation that does not allow moving
  // us): contain by session instead, as where there is no cgroup at all.
  if (had_cgroup && retry_without_cgroup) {
    result_ = SpawnResult{};
    return start_once(std::nullopt, retry_without_cgroup);
  }
  return false;
}

bool JobRun::start_once(std::optional<JobCgroup> cgroup, bool &retry_without_cgroup) {
  ChildPlan plan;
  plan.executable = request_.executable;
  plan.argv = request_.argv;
  plan.env = request_.env;
  const std::string marker = "RUNTIMO_SPAWN_ID=" + request_.id;
  if (std::find(plan.env.begin(), plan.env.end(), marker) == plan.env.end()) {
    plan.env.push_back(marker);
  }
  plan.cwd = request_.cwd.string();

  auto out = make_pipe(PipeDirection::from_child);
  auto err = make_pipe(PipeDirection::from_child);
  PipeEnds in;
  if (request_.stdin_data) {
    in = make_pipe(PipeDirection::to_child);
  } else {
    in.child = open_dev_null();
  }
  plan.stdin_fd = in.child.get();
  plan.stdout_fd = out.child.get();
  plan.stderr_fd = err.child.get();
  UniqueFd cgroup_dir;
  if (cgroup) {
    cgroup_dir = cgroup->open_directory();
    if (!cgroup_dir) {  // as if the child could not be started in it
      cgroup->remove();
      retry_without_cgroup = true;
      return false;
    }
    plan.cgroup_fd = cgroup_dir.get();
  }

  start_time_ = Clock::now();
  StartedChild child = start_child(plan);
  cgroup_dir.reset();
  if (child.failure) {
    if (cgroup) cgroup->remove();
    retry_without_cgroup = child.failure->step == ChildStep::join_cgroup;
    result_.start_errno = child.failure->error;
    result_.start_error = describe(*child.failure, plan);
    return false;
  }
  result_.started = true;
  result_.pid = child.pid;
  result_.containment = cgroup ? Containment::cgroup : Containment::process_group;
  deadline_ = start_time_ + request_.timeout;
  // The first sample waits for the first tick: right after exec the command has had no time to
  // fork, and a short command is looked at once anyway, when it exits (reap_main).
  next_sample_ = start_time_ + kSampleInterval;
  out_.fd = std::move(out.runner);
  err_.fd = std::move(err.runner);
  stdin_fd_ = std::move(in.runner);
  if (request_.stdin_data) stdin_left_ = *request_.stdin_data;
  if (stdin_fd_ && stdin_left_.empty()) stdin_fd_.reset();
  pidfd_ = std::move(child.pidfd);  // without one (old kernel) the loop polls waitpid

  const auto main_stat = read_proc_stat(child.pid);
  ProcStat main_entry;  // only if /proc could not be read: the main process is listed first
  main_entry.pid = child.pid;
  main_entry.ppid = ::getpid();
  log_.note(main_stat ? *main_stat : main_entry);
  job_ = std::make_unique<JobProcesses>(child.pid, main_stat ? main_stat->start_ticks : 0, marker,
                                        std::move(cgroup));
  return true;
}

void JobRun::loop() {
  for (;;) {
    auto now = Clock::now();
    if (!main_reaped_ && !pidfd_) reap_main(false);
    if (now >= next_sample_) sample();
    if (ending_ == Ending::none && !main_reaped_) {
      if (now >= deadline_) {
        result_.timed_out = true;
        begin_ending(now);
      } else if (request_.cancelled && request_.cancelled()) {
        result_.cancelled = true;
        begin_ending(now);
      }
    }
    if (main_reaped_) {
      if (request_.detach && ending_ == Ending::none) return;
      if (all_gone()) return;
      if (ending_ == Ending::none) begin_ending(now);
    }
    if (!advance_ending(now)) return;
    wait_for_events(now);
  }
}

Clock::time_point JobRun::next_wake(Clock::time_point now) const {
  auto wake = std::min(next_sample_, now + kSampleInterval);
  if (ending_ == Ending::none && !main_reaped_) wake = std::min(wake, deadline_);
  if (ending_ != Ending::none) wake = std::min(wake, ending_deadline_);
  return wake;
}

void JobRun::wait_for_events(Clock::time_point now) {
  pollfd fds[4];
  nfds_t count = 0;
  auto add = [&](const UniqueFd &fd, short events) {
    if (fd) fds[count++] = pollfd{fd.get(), events, 0};
  };
  const bool watch_main = !main_reaped_ && pidfd_;
  add(out_.fd, POLLIN);
  add(err_.fd, POLLIN);
  add(stdin_fd_, POLLOUT);
  if (watch_main) add(pidfd_, POLLIN);

  const auto wait = std::max(next_wake(now) - now, Clock::duration::zero());
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
  const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                         static_cast<long>(ns % 1'000'000'000)};
  const int ready = ::ppoll(fds, count, &timeout, nullptr);
  if (ready < 0) {
    if (errno == EINTR) return;
    throw std::system_error(errno, std::generic_category(), "spawn: ppoll");
  }
  if (ready == 0) return;
  for (nfds_t i = 0; i < count; ++i) {
    if (!fds[i].revents) continue;
    if (fds[i].fd == out_.fd.get()) {
      read_available(out_, kReadsPerWake);
    } else if (fds[i].fd == err_.fd.get()) {
      read_available(err_, kReadsPerWake);
    } else if (fds[i].fd == stdin_fd_.get()) {
      feed_stdin();
    } else if (watch_main && fds[i].fd == pidfd_.get()) {
      reap_main(true);
    }
  }
}

void JobRun::read_available(OutputStream &stream, int max_reads) {
  for (int i = 0; i < max_reads && stream.fd; ++i) {
    const ssize_t n = ::read(stream.fd.get(), buffer_.get(), kReadBufferBytes);
    if (n > 0) {
      const std::string_view chunk(buffer_.get(), static_cast<std::size_t>(n));
      stream.collector.append(chunk);
      if (request_.on_output) request_.on_output(stream.name, chunk);
      if (static_cast<std::size_t>(n) < kReadBufferBytes) return;  // the pipe is empty for now
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    stream.fd.reset();  // EOF (or an error: nothing more can be read)
  }
}

void JobRun::feed_stdin() {
  while (stdin_fd_ && !stdin_left_.empty()) {
    const ssize_t n =
        write_without_sigpipe(stdin_fd_.get(), stdin_left_.data(), stdin_left_.size());
    if (n > 0) {
      stdin_left_.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    stdin_fd_.reset();  // EPIPE: the command does not read it (any more); not an error
    return;
  }
  stdin_fd_.reset();  // all written: the command sees EOF
}

void JobRun::reap_main(bool block) {
  int status = 0;
  rusage usage{};
  pid_t got;
  do {
    got = ::wait4(static_cast<pid_t>(result_.pid), &status, block ? 0 : WNOHANG, &usage);
  } while (got < 0 && errno == EINTR);
  if (got == 0) return;
  if (got < 0) {
    // ECHILD: someone else waited for it (a waitpid(-1) elsewhere); its status is lost.
    status = 0;
  } else if (WIFEXITED(status)) {
    result_.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result_.signal = WTERMSIG(status);
  }
  result_.duration =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_time_);
  result_.cpu_usec =
      static_cast<std::uint64_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000 +
      static_cast<std::uint64_t>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  main_reaped_ = true;
  pidfd_.reset();
  job_->main_reaped();
  next_sample_ = Clock::now();  // who is left decides what comes next: look now
}

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

}  // namespace

SpawnResult run_process(const SpawnRequest &request) {
  return JobRun(request).run();
}

}  // namespace runtimo::spawn
