// spawn/job_run.cpp — JobRun's start (the child, in its cgroup or its own session) and its poll
// loop: stdout and stderr read as they come, stdin fed, the main process's exit noticed through
// its pidfd, every timeout cut to the next deadline, sample or ending step. See job_run.hpp.
#include "spawn/job_run.hpp"

#include "util/ids.hpp"

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

namespace {

void become_subreaper() {
  // Orphans of a job (a double fork) are re-parented to us instead of init, so they stay
  // visible by ppid and their zombies are ours to reap. Process-wide: set once.
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

}  // namespace

bool JobRun::start() {
  if (!util::is_id(request_.id)) {
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
  const std::string marker = spawn_marker(request_.id);
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

}  // namespace runtimo::spawn
