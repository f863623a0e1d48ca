// bench/bench_support.hpp — what every benchmark here shares: timing, medians and percentiles,
// failing loudly, counting the machine's processes and filling the machine with sleepers up to
// a process count (a persistent server is busy; the targets are measured on a busy machine),
// and running a command as argv (no shell) to time it against a peer.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char **environ;

namespace bench {

using Clock = std::chrono::steady_clock;

inline double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}
inline double millis_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Stats {
  double median = 0, p90 = 0, min = 0;
};
inline Stats stats(std::vector<double> v) {
  if (v.empty()) return {};
  const double m = median(v);
  std::sort(v.begin(), v.end());
  return Stats{m, v[(v.size() * 9) / 10 < v.size() ? (v.size() * 9) / 10 : v.size() - 1], v.front()};
}

[[noreturn]] inline void die(const std::string &what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

inline std::size_t count_processes() {
  std::size_t n = 0;
  DIR *d = ::opendir("/proc");
  if (d == nullptr) die("cannot open /proc");
  while (const dirent *e = ::readdir(d))
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9') ++n;
  ::closedir(d);
  return n;
}

// `sleep 300` children until the machine has at least the asked number of processes: killed
// and reaped on destruction, and by the kernel (PR_SET_PDEATHSIG) if the bench dies.
class Sleepers {
 public:
  void spawn_until(std::size_t processes) {
    const pid_t parent = ::getpid();
    while (count_processes() < processes) {
      const pid_t pid = ::fork();
      if (pid < 0) die(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(0);
        char *argv[] = {const_cast<char *>("/bin/sleep"), const_cast<char *>("300"), nullptr};
        ::execv(argv[0], argv);
        ::_exit(127);
      }
      pids_.push_back(pid);
    }
  }
  Sleepers() = default;
  Sleepers(const Sleepers &) = delete;
  Sleepers &operator=(const Sleepers &) = delete;
  ~Sleepers() {
    for (const pid_t pid : pids_) ::kill(pid, SIGKILL);
    for (const pid_t pid : pids_)
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
  std::size_t size() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

// Runs argv with stdout/stderr on /dev/null (or stdout into `out` when given, replacing what
// it held); the exit code, or -errno when posix_spawn failed.
inline int spawn_once(const std::vector<std::string> &argv, std::string *out = nullptr) {
  std::vector<char *> args;
  for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  int pipe_fds[2] = {-1, -1};
  if (out != nullptr && ::pipe2(pipe_fds, O_CLOEXEC) != 0) die("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out != nullptr)
    posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 1);
  else
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (out != nullptr) ::close(pipe_fds[1]);
  if (rc != 0) {
    if (out != nullptr) ::close(pipe_fds[0]);
    return -rc;
  }
  if (out != nullptr) {
    out->clear();
    char buf[65536];
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0)
      out->append(buf, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// spawn_once, ending the bench when the program cannot be started.
inline int spawn_wait(const std::vector<std::string> &argv, std::string *out = nullptr) {
  const int rc = spawn_once(argv, out);
  if (rc < 0) die("posix_spawn " + argv[0] + ": " + std::strerror(-rc));
  return rc;
}

}  // namespace bench
