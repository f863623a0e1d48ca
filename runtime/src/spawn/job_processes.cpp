// spawn/job_processes.cpp — membership scans, signalling and reaping (see the header).
#include "spawn/job_processes.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "spawn/pidfd.hpp"

#include <cerrno>
#include <map>

namespace runtimo::spawn {

namespace {

std::vector<ProcStat> read_all_processes(std::uint64_t since_ticks) {
  std::vector<ProcStat> all;
  for (const pid_t pid : list_pids()) {
    auto stat = read_proc_stat(pid);
    // A process that started before the main process cannot be one of its job's.
    if (stat && stat->start_ticks >= since_ticks) all.push_back(std::move(*stat));
  }
  return all;
}

bool signal_exactly(const ProcStat &process, int sig) {
  const int pidfd = open_pidfd(process.pid);
  if (pidfd < 0) return false;
  // The pidfd pins the process: if it is still the one scanned, the signal reaches it.
  const auto now = read_proc_stat(process.pid);
  bool sent = false;
  if (now && now->start_ticks == process.start_ticks) {
    sent = send_signal_by_pidfd(pidfd, sig) == 0;
  }
  ::close(pidfd);
  return sent;
}

}  // namespace

JobProcesses::JobProcesses(pid_t main_pid, std::uint64_t main_start_ticks, std::string marker,
                           std::optional<JobCgroup> cgroup)
    : main_pid_(main_pid),
      main_start_ticks_(main_start_ticks),
      marker_(std::move(marker)),
      cgroup_(std::move(cgroup)) {}

std::vector<ProcStat> JobProcesses::scan() {
  if (cgroup_) return scan_cgroup();
  const auto all = read_all_processes(main_start_ticks_);
  auto members = scan_session_and_marker(all);
  for (const auto &m : members) known_members_.insert({m.pid, m.start_ticks});
  for (const auto &p : all) reap_if_ours(p);
  std::erase_if(members, [](const ProcStat &m) { return m.zombie(); });
  return members;
}

// The members are exactly cgroup.procs: /proc is read only for them and for the runtime's own
// children (its zombies to reap). cgroup.procs is read first: a member that exits in between
// is then a zombie child of ours found below and reaped, so "no member left" never leaves a
// zombie behind.
std::vector<ProcStat> JobProcesses::scan_cgroup() {
  std::vector<ProcStat> members;
  for (const pid_t pid : cgroup_->member_pids()) {
    if (auto stat = read_proc_stat(pid)) members.push_back(std::move(*stat));
  }  // else it exited and was reaped since cgroup.procs was read
  for (const auto &m : members) known_members_.insert({m.pid, m.start_ticks});
  if (const auto children = runtime_children()) {
    for (const pid_t pid : *children) {
      if (pid == main_pid_ && !main_reaped_) continue;
      const auto stat = read_proc_stat(pid);
      if (stat && stat->start_ticks >= main_start_ticks_) reap_if_ours(*stat);
    }
  } else {  // no children files: find our zombies among all processes
    for (const auto &p : read_all_processes(main_start_ticks_)) reap_if_ours(p);
  }
  std::erase_if(members, [](const ProcStat &m) { return m.zombie(); });
  return members;
}

bool JobProcesses::has_marker(const ProcStat &process) {
  const Identity id{process.pid, process.start_ticks};
  if (known_strangers_.count(id)) return false;
  const auto found = environ_contains(process.pid, marker_);
  if (found && !*found && !process.zombie()) known_strangers_.insert(id);
  return found.value_or(false);
}

std::vector<ProcStat> JobProcesses::scan_session_and_marker(const std::vector<ProcStat> &all) {
  std::vector<bool> member(all.size(), false);
  std::multimap<pid_t, std::size_t> children;  // ppid -> index in all
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto &p = all[i];
    children.emplace(p.ppid, i);
    const bool main = p.pid == main_pid_ && !main_reaped_;
    member[i] = main || known_members_.count({p.pid, p.start_ticks}) > 0 || p.sid == main_pid_ ||
                p.pgid == main_pid_ || has_marker(p);
  }
  // Descendants of members, however they changed session, group or environment.
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (member[i]) pending.push_back(i);
  }
  while (!pending.empty()) {
    const pid_t parent = all[pending.back()].pid;
    pending.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      if (!member[it->second]) {
        member[it->second] = true;
        pending.push_back(it->second);
      }
    }
  }
  std::vector<ProcStat> members;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (member[i]) members.push_back(all[i]);
  }
  return members;
}

void JobProcesses::reap_if_ours(const ProcStat &p) {
  if (!p.zombie() || p.ppid != ::getpid()) return;
  if (p.pid == main_pid_ && !main_reaped_) return;
  bool ours = known_members_.count({p.pid, p.start_ticks}) > 0;
  if (!ours && cgroup_) {
    // A zombie has left cgroup.procs but still names its cgroup in /proc/<pid>/cgroup.
    const std::string suffix = "/" + cgroup_->name();
    const auto path = read_cgroup2_path(p.pid);
    ours = path && path->size() >= suffix.size() &&
           path->compare(path->size() - suffix.size(), suffix.size(), suffix) == 0;
  } else if (!ours) {
    ours = p.sid == main_pid_ || p.pgid == main_pid_;
  }
  if (!ours) return;
  int status = 0;
  while (::waitpid(p.pid, &status, WNOHANG) < 0 && errno == EINTR) {
  }
}

void JobProcesses::signal_all(int sig, const std::vector<ProcStat> &members) {
  bool group_alive = false;
  for (const auto &m : members) {
    signal_exactly(m, sig);
    group_alive = group_alive || m.pgid == main_pid_;
  }
  // A process forked after the scan is in the group still: the group signal reaches it. The
  // group id cannot have been recycled while a scanned member still has it.
  if (!cgroup_ && group_alive) ::kill(-main_pid_, sig);
}

void JobProcesses::kill_all(const std::vector<ProcStat> &members) {
  if (cgroup_ && cgroup_->kill_all()) return;
  signal_all(SIGKILL, members);
}

}  // namespace runtimo::spawn
