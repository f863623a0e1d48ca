// child_process.hpp — real processes for tests: spawn a program (argv, no shell), capture its
// output, or keep it running as a target (e.g. `sleep 30` for Kill), optionally waiting until it
// has exec'd and gone to sleep.
#pragma once

#include "temp_dir.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <stdexcept>
#include <string>
#include <vector>

extern char **environ;

namespace runtimo::test {

struct Captured {
  int exit_code = -1;  // or 128 + signal
  std::string out;
  std::string err;
};

// Runs argv to completion with optional stdin text and extra environment entries ("K=V").
inline Captured run_capture(const std::vector<std::string> &argv, const std::string &input = {},
                            const std::vector<std::string> &extra_env = {}) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<char *> args;
  for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char **e = environ; *e != nullptr; ++e) env_store.emplace_back(*e);
  for (const auto &e : extra_env) env_store.push_back(e);
  std::vector<char *> env;
  for (auto &e : env_store) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
  if (!input.empty()) {
    std::size_t off = 0;
    while (off < input.size()) {
      const ssize_t n = ::write(in[1], input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
  }
  ::close(in[1]);
  Captured c;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? c.out : c.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return c;
}

// A child process that runs until killed; reaped (and killed if still alive) on destruction.
class LiveChild {
 public:
  // argv[0] must be a path. When ignore_sigterm is set the child ignores SIGTERM (inherited
  // through exec), to test escalation.
  // The constructor returns once the child has exec'd (or failed to): the write end of a
  // close-on-exec pipe closes at exec, which the parent sees as end of file.
  explicit LiveChild(const std::vector<std::string> &argv, bool ignore_sigterm = false) {
    int exec_seen[2];
    if (::pipe2(exec_seen, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (ignore_sigterm) ::signal(SIGTERM, SIG_IGN);
      std::vector<char *> args;
      for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      (void)!::write(exec_seen[1], "x", 1);  // exec failed
      ::_exit(127);
    }
    ::close(exec_seen[1]);
    char byte;
    ssize_t n;
    while ((n = ::read(exec_seen[0], &byte, 1)) < 0 && errno == EINTR) {
    }
    ::close(exec_seen[0]);
    if (n != 0) throw std::runtime_error("cannot exec " + argv.at(0));
  }
  ~LiveChild() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      reap();
    }
  }
  LiveChild(const LiveChild &) = delete;
  LiveChild &operator=(const LiveChild &) = delete;
  pid_t pid() const { return pid_; }
  // Waits for the child; returns the raw wait status.
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status;
  }
  // True while the child has not exited (zombies count as exited).
  bool running() const {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == 0;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// A pid that no process has right now (a reaped child's).
inline pid_t vanished_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

// A `sleep SECONDS` child that has finished exec and gone to sleep, so its comm, cmdline,
// memory and state are settled when a test looks at them (a different SECONDS tells two apart).
// LiveChild returns after the exec; the step from running to sleeping in nanosleep has no
// event to wait for, so it is watched (yielding the CPU, never sleeping a guessed time).
class Sleeper {
 public:
  explicit Sleeper(const std::string &seconds = "30.25") : child_({"/bin/sleep", seconds}) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const std::string stat_path = "/proc/" + std::to_string(pid()) + "/stat";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string stat = read_file(stat_path);
      const std::size_t close = stat.rfind(')');
      if (close != std::string::npos && stat.compare(close + 2, 1, "S") == 0) return;
      std::this_thread::yield();
    }
    throw std::runtime_error("the sleep child did not go to sleep");
  }
  pid_t pid() const { return child_.pid(); }

 private:
  LiveChild child_;
};

// Every process whose command line holds `marker` (an argument no other process uses, such as
// `sleep 987601`), as "pid: cmdline" (the marker is looked for in that text): what a test
// checks was left behind.
inline std::vector<std::string> processes_with(const std::string &marker) {
  std::vector<std::string> found;
  for (const auto &e : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_file(e.path() / "cmdline");
    for (char &ch : cmdline)
      if (ch == '\0') ch = ' ';
    std::string entry = pid + ": " + cmdline;  // ": sleep 5" matches only a process that is sleep
    if (entry.find(marker) != std::string::npos) found.push_back(std::move(entry));
  }
  return found;
}

}  // namespace runtimo::test
