// plugin/probe_process.cpp — the probe processes (see the header).
#include "plugin/probe_process.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

namespace runtimo::plugin {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Probes running at once: enough that a directory of hanging files costs a few timeouts.
constexpr std::size_t kMaxRunning = 8;
// A verdict is a few KiB; more is not a verdict.
constexpr std::size_t kMaxVerdictBytes = 4u << 20;
// Without a pidfd, how often an exit is looked for.
constexpr int kPollSliceMs = 5;

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Every signal back to its default action and unblocked, as after exec: a crash handler the
// host installed (a test framework's, a crash reporter's) would otherwise turn the plugin's
// SIGSEGV into an exit of its own choosing.
void default_signals() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  ::sigemptyset(&action.sa_mask);
  for (int signal = 1; signal < NSIG; ++signal)
    if (signal != SIGKILL && signal != SIGSTOP) ::sigaction(signal, &action, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void run_probe_child(const fs::path &file, schema::MetaVerdicts *verdicts, int fd,
                                  pid_t host) {
  default_signals();
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != host) ::_exit(1);  // the host is already gone
  // Registered last, so it runs first: exit() called by plugin code ends the probe with its
  // status and none of the host's exit handlers (they could remove the host's socket or
  // flush its buffers a second time); only those the plugin registered since run before it.
  ::on_exit([](int status, void *) { ::_exit(status); }, nullptr);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);  // a plugin's printf never reaches the host's stdout
  try {
    PluginLoad load;
    const bool ok = load_plugin(file, verdicts, load, [fd](LoadStage stage) {
      const char marker = static_cast<char>(stage);
      write_all(fd, std::string_view(&marker, 1));
    });
    write_all(fd, boost::json::serialize(ProbeVerdict::of_load(load, ok).to_json()) + "\n");
  } catch (...) {
  }
  ::_exit(0);
}

struct Probe {
  fs::path file;
  pid_t pid = -1;
  int pipe = -1;   // read end, non-blocking
  int pidfd = -1;  // readable once the child exited; -1 where the kernel has none
  Clock::time_point deadline;
  std::string received;
  std::optional<ProbeVerdict> verdict;

  bool running() const { return pid > 0; }
};

void start(Probe &p, schema::MetaVerdicts *verdicts, std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    p.verdict = ProbeVerdict::not_run(p.file, std::string("pipe: ") + std::strerror(errno));
    return;
  }
  std::fflush(nullptr);  // nothing buffered may be written twice, should a plugin call exit()
  const pid_t host = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    run_probe_child(p.file, verdicts, fds[1], host);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    p.verdict = ProbeVerdict::not_run(p.file, std::string("fork: ") + std::strerror(errno));
    return;
  }
  ::setpgid(pid, pid);  // also here, so that the group exists before the host may signal it
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  p.pid = pid;
  p.pipe = fds[0];
  p.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  p.deadline = Clock::now() + timeout;
}

void drain(Probe &p) {
  char buffer[4096];
  while (p.pipe >= 0) {
    const ssize_t n = ::read(p.pipe, buffer, sizeof buffer);
    if (n > 0 && p.received.size() < kMaxVerdictBytes)
      p.received.append(buffer, static_cast<std::size_t>(n));
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) ::close(p.pipe), p.pipe = -1;
    return;  // EOF, or nothing more for now
  }
}

// How a probe process ended, as far as the host can tell.
enum class End { exited, timed_out, status_lost };

// The verdict line, and the last stage marker before it.
void judge(Probe &p, End end, int status, std::chrono::milliseconds timeout) {
  std::optional<LoadStage> stage;
  const std::size_t json_at = p.received.find('{');
  for (const char c : std::string_view(p.received).substr(0, json_at))
    if (c == 'o' || c == 'e' || c == 't') stage = static_cast<LoadStage>(c);
  if (json_at != std::string::npos && p.received.back() == '\n') {
    boost::system::error_code ec;
    const auto value = boost::json::parse(std::string_view(p.received).substr(json_at), ec);
    if (!ec)
      if (auto verdict = ProbeVerdict::from_json(value))
        return void(p.verdict = std::move(*verdict));
  }
  if (end == End::timed_out)
    p.verdict = ProbeVerdict::timed_out(p.file, stage, timeout);
  else if (end == End::status_lost)
    p.verdict =
        ProbeVerdict::not_run(p.file, "its exit status was lost: this process ignores SIGCHLD");
  else if (WIFSIGNALED(status))
    p.verdict = ProbeVerdict::killed(p.file, stage, WTERMSIG(status));
  else
    p.verdict = ProbeVerdict::exited_early(p.file, stage, WEXITSTATUS(status));
}

// Ends probe `p` if its child exited or its time is up.
void reap_if_done(Probe &p, std::chrono::milliseconds timeout) {
  siginfo_t info{};
  const int looked = ::waitid(P_PID, static_cast<id_t>(p.pid), &info, WEXITED | WNOHANG | WNOWAIT);
  // A host that ignores SIGCHLD has its children reaped by the kernel: gone, status unknown.
  const bool lost = looked != 0 && errno == ECHILD;
  const bool exited = looked == 0 && info.si_pid == p.pid;
  const bool timed_out = !exited && !lost && Clock::now() >= p.deadline;
  if (!exited && !lost && !timed_out) return;
  // The exited leader still holds its pid, so the group cannot be someone else's yet (a
  // reaped one may, so it is left alone).
  if (!lost) ::kill(-p.pid, SIGKILL);
  if (timed_out) ::kill(p.pid, SIGKILL);
  int status = 0;
  while (!lost && ::waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
  }
  drain(p);
  if (p.pipe >= 0) ::close(p.pipe);
  if (p.pidfd >= 0) ::close(p.pidfd);
  judge(p, lost ? End::status_lost : timed_out ? End::timed_out : End::exited, status, timeout);
  p.pid = -1;
}

}  // namespace

std::vector<ProbeVerdict> probe_plugins(const std::vector<fs::path> &files,
                                        schema::MetaVerdicts *verdicts,
                                        std::chrono::milliseconds timeout) {
  std::vector<Probe> probes(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) probes[i].file = files[i];
  std::size_t next = 0;
  for (;;) {
    std::size_t running = 0;
    for (const Probe &p : probes) running += p.running() ? 1 : 0;
    for (; next < probes.size() && running < kMaxRunning; ++next) {
      start(probes[next], verdicts, timeout);
      running += probes[next].running() ? 1 : 0;
    }
    if (running == 0 && next == probes.size()) break;

    std::vector<pollfd> fds;
    bool sliced = false;
    auto wake = Clock::time_point::max();
    for (const Probe &p : probes) {
      if (!p.running()) continue;
      if (p.pipe >= 0) fds.push_back({p.pipe, POLLIN, 0});
      if (p.pidfd >= 0) fds.push_back({p.pidfd, POLLIN, 0});
      sliced = sliced || p.pidfd < 0;
      wake = std::min(wake, p.deadline);
    }
    auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wake - Clock::now()).count();
    wait_ms = std::clamp<long long>(wait_ms, 0, sliced ? kPollSliceMs : 60'000);
    ::poll(fds.data(), fds.size(), static_cast<int>(wait_ms));  // EINTR: look again below
    for (Probe &p : probes) {
      if (!p.running()) continue;
      drain(p);
      reap_if_done(p, timeout);
    }
  }
  std::vector<ProbeVerdict> out;
  out.reserve(probes.size());
  for (Probe &p : probes) out.push_back(std::move(*p.verdict));
  return out;
}

std::chrono::milliseconds probe_timeout_from_environment(std::chrono::milliseconds fallback) {
  const char *text = std::getenv(kProbeTimeoutVariable);
  if (text == nullptr || *text == '\0') return fallback;
  double seconds = 0;
  const std::string_view value(text);
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || !(seconds > 0) || seconds > 600) {
    throw std::invalid_argument(
        std::string(kProbeTimeoutVariable) + " is \"" + text +
        "\": it must be a number of seconds above 0 and at most 600, e.g. 5 or 0.5");
  }
  return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(seconds * 1000)));
}

}  // namespace runtimo::plugin
