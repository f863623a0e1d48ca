// plugins/kill/kill_plugin.cpp — the Kill capability (libcap_kill.so): send a signal to one
// process and, for a signal that ends processes, wait until it has exited.
//
// Why it is built this way (upstream 0.1.5 bugs C.8 and C.31 are not repeated):
//  * The host's process policy decides who may be signalled (validate, and again after the
//    pidfd is open, since the machine may have changed); refusals never list the protected set.
//  * A pidfd pins the process: the signal cannot reach a process that reused the pid, and the
//    pidfd turns readable when the process exits, so the wait is a poll() bounded by wait_ms
//    and the job's deadline — no fixed sleeps. A process that exited and was reaped counts as
//    killed, never as "pid reused".
//  * A thread id (every thread has a /proc/<tid>) is refused by pidfd_open(); the refusal names
//    the process it belongs to (thread_owner.hpp), so the caller knows which pid to give.
//  * A dry run reveals nothing about the target (not even whether it exists).
#include "kill_args.hpp"
#include "process_handle.hpp"
#include "signals.hpp"
#include "thread_owner.hpp"

#include <runtimo/sdk.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string>

namespace runtimo::kill {
namespace {

using sdk::Job;

std::string pid_text(std::int64_t pid) {
  return "PID " + std::to_string(pid);
}

std::string signal_text(int signal) {
  return signal_name(signal) + " (" + std::to_string(signal) + ")";
}

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

// What Kill learnt about its target before signalling it.
struct Target {
  std::int64_t pid = 0;
  std::string comm;
  std::uint64_t start_time = 0;
  std::string state_before;
};

boost::json::object report(const Target &t, int signal) {
  return boost::json::object{
      {"pid", t.pid},   {"signal", signal},           {"signal_name", signal_name(signal)},
      {"comm", t.comm}, {"start_time", t.start_time}, {"state_before", t.state_before}};
}

rt_status dry_run(Job &job, const KillArgs &a) {
  boost::json::object data{{"pid", a.pid},
                           {"signal", a.signal},
                           {"signal_name", signal_name(a.signal)},
                           {"dry_run", true},
                           {"would_signal", true}};
  std::string message = "DRY RUN: would send " + signal_text(a.signal) + " to " + pid_text(a.pid);
  if (a.escalate_after_ms) {
    data["escalate_after_ms"] = *a.escalate_after_ms;
    message += ", then SIGKILL (9) if it is still running after " +
               std::to_string(*a.escalate_after_ms) + " ms";
  }
  return job.output(data, message);
}

// The process had exited (it is a zombie, or gone) before any signal was sent.
rt_status already_exited(Job &job, const Target &t, int signal) {
  boost::json::object data = report(t, signal);
  data["killed"] = true;
  data["delivered"] = false;
  data["already_exited"] = true;
  data["escalated"] = false;
  data["waited_ms"] = 0;
  return job.output(data, pid_text(t.pid) + " (" + t.comm + ") had already exited; no signal sent");
}

rt_status send_or_fail(Job &job, const ProcessHandle &process, const Target &t, int signal,
                       bool *exited_first) {
  *exited_first = false;
  const int err = process.send(signal);
  if (err == 0) return RT_OK;
  if (err == ESRCH) {
    *exited_first = true;
    return RT_OK;
  }
  const std::string what = "cannot send " + signal_text(signal) + " to " + pid_text(t.pid) + " (" +
                           t.comm + "): " + std::strerror(err);
  if (err == EPERM) return job.fail(RT_DENIED, what, "Runtimo's user may not signal this process");
  return job.fail(RT_FAILED, what);
}

rt_status execute_kill(Job &job, const KillArgs &a) {
  if (job.dry_run()) return dry_run(job, a);

  const ProcessHandle process(a.pid);
  if (!process.valid()) {
    const int err = process.error();
    // pidfd_open() refuses a thread that does not lead its process (EINVAL; ENOENT since 6.9).
    if (err != ESRCH)
      if (const auto owner = owning_process(job, a.pid); owner && *owner != a.pid)
        return job.fail(RT_INVALID_ARGS,
                        pid_text(a.pid) + " is a thread of process " + std::to_string(*owner) +
                            ": Kill signals whole processes, not single threads",
                        "give pid " + std::to_string(*owner) +
                            " to signal that process (and so all its threads)");
    if (err == ESRCH || err == ENOENT)
      return job.fail(RT_NOT_FOUND, "process " + std::to_string(a.pid) + " does not exist",
                      "list processes again to find the current pid");
    return job.fail(RT_FAILED, "cannot open " + pid_text(a.pid) + ": " + std::strerror(err));
  }
  // The machine may have changed since validate(): ask the policy again, now that the pidfd
  // pins the process.
  if (const rt_status st = job.check_process(a.pid); st != RT_OK) return st;

  const rt_process_identity id = job.identity(a.pid);
  if (id.exists == 0)
    return job.fail(RT_NOT_FOUND, "process " + std::to_string(a.pid) + " does not exist",
                    "list processes again to find the current pid");
  Target t;
  t.pid = a.pid;
  t.comm = id.comm;
  t.start_time = id.start_time_ticks;
  t.state_before = std::string(1, id.state);
  if (a.start_time && *a.start_time != t.start_time)
    return job.fail(RT_FAILED,
                    pid_text(a.pid) + " now belongs to another process (start time " +
                        std::to_string(t.start_time) + ", expected " +
                        std::to_string(*a.start_time) + ")",
                    "the process you meant has exited; list processes again");
  // While the pidfd's process has not exited the pid is still its own, so `id` describes it.
  if (process.exited()) return already_exited(job, t, a.signal);

  bool exited_first = false;
  if (const rt_status st = send_or_fail(job, process, t, a.signal, &exited_first); st != RT_OK)
    return st;
  if (exited_first) return already_exited(job, t, a.signal);
  const auto sent_at = std::chrono::steady_clock::now();

  boost::json::object data = report(t, a.signal);
  data["delivered"] = true;
  if (is_non_terminating(a.signal)) {
    data["killed"] = false;
    data["escalated"] = false;
    data["waited_ms"] = 0;
    return job.output(
        data, "Sent " + signal_text(a.signal) + " to " + pid_text(a.pid) + " (" + t.comm + ")");
  }

  // Each wait is bounded by what it asks for and by the job's deadline.
  enum class Stop { exited, waited, deadline, cancelled };
  const auto keep_waiting = [&job] { return !job.cancelled(); };
  const auto wait_for_exit = [&](std::int64_t want) {
    const std::int64_t budget = std::min(want, job.remaining_ms());
    if (process.wait_exit(budget, keep_waiting)) return Stop::exited;
    if (budget < want || job.remaining_ms() == 0) return Stop::deadline;
    return job.cancelled() ? Stop::cancelled : Stop::waited;
  };

  bool escalated = false;
  int last_signal = a.signal;
  Stop stop = Stop::waited;
  if (a.escalate_after_ms) {
    stop = wait_for_exit(*a.escalate_after_ms);
    if (stop == Stop::waited) {
      if (const rt_status st = send_or_fail(job, process, t, SIGKILL, &exited_first); st != RT_OK)
        return st;
      escalated = !exited_first;
      last_signal = SIGKILL;
      stop = exited_first ? Stop::exited : wait_for_exit(a.wait_ms);
    }
  } else {
    stop = wait_for_exit(a.wait_ms);
  }
  const std::int64_t waited = elapsed_ms(sent_at);

  data["killed"] = stop == Stop::exited;
  data["escalated"] = escalated;
  data["waited_ms"] = waited;
  if (escalated) data["escalate_after_ms"] = *a.escalate_after_ms;

  const std::string how = escalated ? "SIGTERM, escalated to SIGKILL after " +
                                          std::to_string(*a.escalate_after_ms) + " ms,"
                                    : signal_name(a.signal);
  const std::string target = pid_text(a.pid) + " (" + t.comm + ")";
  const std::string still = target + " is still running " + std::to_string(waited) + " ms after " +
                            signal_name(last_signal);
  switch (stop) {
    case Stop::exited:
      return job.output(
          data, "Killed " + target + " with " + how + " in " + std::to_string(waited) + " ms");
    case Stop::deadline:
      return job.fail(RT_TIMEOUT, still + ": the job's deadline came first",
                      "give the job a longer deadline, or use signal 9");
    case Stop::cancelled:
      return job.fail(RT_CANCELLED, still + ": the job was cancelled while waiting");
    case Stop::waited:
      break;
  }
  if (a.wait_ms == 0)
    return job.output(
        data, "Sent " + how + " to " + target + "; not waiting for it to exit (wait_ms is 0)");
  return job.fail(RT_FAILED, still, "retry with a longer wait_ms, escalate_after_ms, or signal 9");
}

struct Kill {
  static constexpr const char *name = "Kill";
  static constexpr const char *description =
      "Send a signal to a process (default SIGTERM) and wait until it exits, optionally "
      "escalating to SIGKILL. Refuses protected processes (init, kernel threads, Runtimo and "
      "its ancestors, system services) and reused pids.";
  static constexpr const char *schema = kKillSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_RESCUE;

  static rt_status validate(Job &job, const boost::json::object &args) {
    const KillArgs a = parse_kill_args(args);
    return job.check_process(a.pid);
  }

  static rt_status execute(Job &job, const boost::json::object &args) {
    return execute_kill(job, parse_kill_args(args));
  }
};

}  // namespace
}  // namespace runtimo::kill

RUNTIMO_PLUGIN("kill", "1.0.0", ::runtimo::kill::Kill)
