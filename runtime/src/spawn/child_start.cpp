// spawn/child_start.cpp — the clone (or fork) and the child's side up to execve (see the
// header).
//
// The child of clone3 is a plain copy of the caller like fork's (no CLONE_VM, same stack), but
// glibc does not know of it: no atfork handler runs and glibc's per-thread data still names
// the parent's thread. That is harmless only because the child makes nothing but raw system
// calls through thin wrappers (sigaction, write, setsid, dup2, fcntl, chdir, execve, _exit).
//
// In the child, in this order: signal dispositions back to default (the mask stays full until
// just before exec, so no inherited handler runs in the child), join the job cgroup (only on
// the fork fallback: a clone3 child is born in it), setsid
// (a session and process group of its own: the runtime's terminal signals do not reach it, and
// kill(-pgid) reaches the whole job), dup2 the pipes to 0/1/2, mark every other descriptor
// close-on-exec (close_range), chdir, empty the signal mask, execve. Only async-signal-safe
// calls, and nothing that allocates.
#include "spawn/child_start.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "spawn/pidfd.hpp"

namespace runtimo::spawn {

namespace {

std::vector<char *> c_strings(const std::vector<std::string> &strings) {
  std::vector<char *> out;
  out.reserve(strings.size() + 1);
  for (const auto &s : strings) out.push_back(const_cast<char *>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void fail_in_child(int report_fd, ChildStep step) {
  const ChildStartFailure failure{step, errno};
  ssize_t ignored = ::write(report_fd, &failure, sizeof failure);
  (void)ignored;
  ::_exit(127);
}

struct ChildArgs {
  const char *executable;
  char *const *argv;
  char *const *envp;
  const char *cwd;
  int stdin_fd, stdout_fd, stderr_fd, cgroup_procs_fd, report_fd;
  int max_fd;  // for the close-on-exec fallback where close_range is missing
};

[[noreturn]] void run_child(const ChildArgs &a) {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &default_action, nullptr);
  }
  if (a.cgroup_procs_fd >= 0 && ::write(a.cgroup_procs_fd, "0", 1) != 1) {
    fail_in_child(a.report_fd, ChildStep::join_cgroup);
  }
  if (::setsid() < 0) fail_in_child(a.report_fd, ChildStep::new_session);
  if (::dup2(a.stdin_fd, 0) < 0 || ::dup2(a.stdout_fd, 1) < 0 || ::dup2(a.stderr_fd, 2) < 0) {
    fail_in_child(a.report_fd, ChildStep::redirect);
  }
  // Descriptors the runtime opened without O_CLOEXEC (a library's, another thread's) must not
  // reach the command: a pipe end held by it would keep someone else's reader from its EOF.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < a.max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  if (::chdir(a.cwd) != 0) fail_in_child(a.report_fd, ChildStep::chdir);
  sigset_t empty;
  ::sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  ::execve(a.executable, a.argv, a.envp);
  fail_in_child(a.report_fd, ChildStep::exec);
}

// struct clone_args of <linux/sched.h> up to `cgroup` (CLONE_ARGS_SIZE_VER2); declared here
// because that header's CLONE_* macros clash with glibc's <sched.h>.
struct CloneArgs {
  std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};
static_assert(sizeof(CloneArgs) == 88);
constexpr std::uint64_t kClonePidfd = 0x00001000;
constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;

// Set once clone3 turned out to be missing or too old for CLONE_INTO_CGROUP: fork from then on.
std::atomic<bool> clone3_unusable{false};

pid_t clone_into_cgroup(int cgroup_fd, int &pidfd) {
#ifdef SYS_clone3
  CloneArgs args{};
  args.flags = kClonePidfd | kCloneIntoCgroup;
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<std::uint64_t>(cgroup_fd);
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
#else
  (void)cgroup_fd;
  (void)pidfd;
  errno = ENOSYS;
  return -1;
#endif
}

// Makes the child (which never returns from here) in the job cgroup when there is one: by
// clone3, else by fork with the child joining through cgroup.procs. The parent gets its pid,
// or -1 with errno; `pidfd` is set when clone3 made one.
pid_t create_child(ChildArgs &args, int cgroup_fd, UniqueFd &procs, int &pidfd) {
  if (cgroup_fd >= 0 && !clone3_unusable.load(std::memory_order_relaxed)) {
    const pid_t pid = clone_into_cgroup(cgroup_fd, pidfd);
    if (pid == 0) run_child(args);
    // EINVAL is also what a kernel without CLONE_INTO_CGROUP says for a cgroup it cannot use
    // (not cached: the next cgroup may do); ENOSYS and E2BIG only mean an old kernel.
    if (pid > 0 || (errno != ENOSYS && errno != EINVAL && errno != E2BIG)) return pid;
    if (errno != EINVAL) clone3_unusable.store(true, std::memory_order_relaxed);
  }
  if (cgroup_fd >= 0) {
    procs.reset(::openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC));
    if (!procs) return -1;
    args.cgroup_procs_fd = procs.get();
  }
  const pid_t pid = ::fork();
  if (pid == 0) run_child(args);
  return pid;
}

}  // namespace

StartedChild start_child(const ChildPlan &plan) {
  const auto argv = c_strings(plan.argv);
  const auto envp = c_strings(plan.env);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "spawn: pipe2 for the start report");
  }
  UniqueFd report_read(report[0]), report_write(report[1]);
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  const int max_fd = files.rlim_cur == RLIM_INFINITY || files.rlim_cur > 65536
                         ? 65536
                         : static_cast<int>(files.rlim_cur);
  ChildArgs args{plan.executable.c_str(), argv.data(),    envp.data(),    plan.cwd.c_str(),
                 plan.stdin_fd,           plan.stdout_fd, plan.stderr_fd, -1,
                 report_write.get(),      max_fd};

  // Block every signal across the clone: a handler of the runtime must not run in the child
  // before its dispositions are reset; the parent's mask comes back right after.
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  UniqueFd procs;
  int pidfd = -1;
  const pid_t pid = create_child(args, plan.cgroup_fd, procs, pidfd);
  const int create_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  StartedChild started;
  if (pid < 0) {
    // The cgroup refused the child (EACCES, EBUSY, ENOENT, ...): the caller may start it
    // without; running out of processes or memory is the runner's own failure.
    if (plan.cgroup_fd >= 0 && create_errno != EAGAIN && create_errno != ENOMEM) {
      started.failure = ChildStartFailure{ChildStep::join_cgroup, create_errno};
      return started;
    }
    throw std::system_error(create_errno, std::generic_category(), "spawn: fork");
  }

  report_write.reset();
  procs.reset();
  started.pid = pid;
  started.pidfd.reset(pidfd >= 0 ? pidfd : open_pidfd(pid));
  ChildStartFailure failure{};
  ssize_t n;
  do {
    n = ::read(report_read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    started.failure = failure;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  return started;
}

std::string describe(const ChildStartFailure &failure, const ChildPlan &plan) {
  const std::string reason = std::strerror(failure.error);
  switch (failure.step) {
    case ChildStep::join_cgroup:
      return "joining the job cgroup: " + reason;
    case ChildStep::new_session:
      return "setsid: " + reason;
    case ChildStep::redirect:
      return "dup2 of stdin/stdout/stderr: " + reason;
    case ChildStep::chdir:
      return "chdir " + plan.cwd + ": " + reason;
    case ChildStep::exec:
      break;
  }
  return "execve " + plan.executable + ": " + reason;
}

}  // namespace runtimo::spawn
