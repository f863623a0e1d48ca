// bench/bench_support.hpp — what every benchmark here shares: timing, medians and percentiles,
// failing loudly, counting the machine's processes and filling the machine with sleepers up to
// a process count (a persistent server is busy; the targets are measured on a busy machine).
#pragma once

#include <dirent.h>
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

}  // namespace bench
