// spawn/orphaned_commands.cpp — see orphaned_commands.hpp.
#include "spawn/orphaned_commands.hpp"

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
namespace {

// Pids listed in a cgroup.procs file.
std::vector<pid_t> cgroup_members(const std::string &dir) {
  std::vector<pid_t> out;
  const auto text = read_small_file(dir + "/cgroup.procs");
  if (!text) return out;
  std::size_t start = 0;
  while (start < text->size()) {
    const std::size_t nl = std::min(text->find('\n', start), text->size());
    if (nl > start) out.push_back(static_cast<pid_t>(std::stol(text->substr(start, nl - start))));
    start = nl + 1;
  }
  return out;
}

bool write_file(const std::string &path, const char *text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text, 1) == 1;
  ::close(fd);
  return ok;
}

}  // namespace

std::size_t end_orphaned_commands(std::string_view id) {
  try {
    std::size_t ended = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const CgroupSupport &cgroups = cgroup_support();
    if (cgroups.available) {
      const std::string dir = (cgroups.parent / ("runtimo-job-" + std::string(id))).string();
      if (::access(dir.c_str(), F_OK) == 0) {
        ended += cgroup_members(dir).size();
        write_file(dir + "/cgroup.kill", "1");
        while (::rmdir(dir.c_str()) != 0 && errno == EBUSY && std::chrono::steady_clock::now() < give_up)
          std::this_thread::yield();  // members are still exiting
      }
    }
    // Marked processes (process-group containment, or a cgroup of another runtime's tree).
    const std::string marker = "RUNTIMO_SPAWN_ID=" + std::string(id);
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
    const std::string name = e->d_name;
    if (!name.starts_with("runtimo-job-")) continue;
    const std::string path = (cgroups.parent / name).string();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || now - st.st_mtime < min_age.count()) continue;
    const bool empty = cgroup_members(path).empty() && read_small_file(path + "/cgroup.procs").has_value();
    if (!empty) continue;
    if (dry_run || ::rmdir(path.c_str()) == 0) ++removed;
  }
  ::closedir(dir);
  return removed;
}

}  // namespace runtimo::spawn
