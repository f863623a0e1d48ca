// spawn/orphaned_commands.cpp — see orphaned_commands.hpp.
#include "spawn/orphaned_commands.hpp"

#include "spawn/job_cgroup.hpp"
#include "spawn/job_processes.hpp"
#include "spawn/pidfd.hpp"
#include "spawn/proc_files.hpp"
#include "spawn/process_runner.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

namespace runtimo::spawn {

std::size_t end_orphaned_commands(std::string_view id) {
  try {
    std::size_t ended = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const CgroupSupport &cgroups = cgroup_support();
    if (cgroups.available) {
      JobCgroup cgroup = JobCgroup::of_job(cgroups.parent, id);
      if (::access(cgroup.path().c_str(), F_OK) == 0) {
        ended += cgroup.member_pids().size();
        cgroup.kill_all();
        while (!cgroup.remove() && cgroup.populated() && std::chrono::steady_clock::now() < give_up)
          std::this_thread::yield();  // members are still exiting
      }
    }
    // Marked processes (process-group containment, or a cgroup of another runtime's tree).
    const std::string marker = spawn_marker(id);
    std::vector<int> pidfds;
    for (const pid_t pid : list_pids()) {
      if (pid == ::getpid() || environ_contains(pid, marker) != true) continue;
      const int fd = open_pidfd(pid);
      if (fd < 0) continue;
      send_signal_by_pidfd(fd, SIGKILL);
      pidfds.push_back(fd);
      ++ended;
    }
    for (const int fd : pidfds) {  // readable once the process has exited
      pollfd p{fd, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now()).count();
      if (left > 0) ::poll(&p, 1, static_cast<int>(left));
      ::close(fd);
    }
    return ended;
  } catch (...) {
    return 0;
  }
}

std::size_t remove_stale_job_cgroups(std::chrono::seconds min_age, bool dry_run) {
  const CgroupSupport &cgroups = cgroup_support();
  if (!cgroups.available) return 0;
  DIR *dir = ::opendir(cgroups.parent.c_str());
  if (dir == nullptr) return 0;
  std::size_t removed = 0;
  const std::time_t now = std::time(nullptr);
  while (const dirent *e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (!name.starts_with(JobCgroup::kNamePrefix)) continue;
    JobCgroup cgroup = JobCgroup::of_job(cgroups.parent, name.substr(JobCgroup::kNamePrefix.size()));
    struct stat st {};
    if (::stat(cgroup.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || now - st.st_mtime < min_age.count()) continue;
    if (cgroup.populated()) continue;  // rmdir would refuse it anyway; a dry run must not count it
    if (dry_run || cgroup.remove()) ++removed;
  }
  ::closedir(dir);
  return removed;
}

}  // namespace runtimo::spawn
