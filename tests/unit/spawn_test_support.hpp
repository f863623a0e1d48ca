// spawn_test_support.hpp — what the spawn_* tests share: a request for a real command (no
// shell unless asked, PATH only in its environment), a fresh spawn id per run, and the checks
// that a run left nothing behind — no process carrying the run's marker, none of the recorded
// processes alive, no zombie child of the test process, no job cgroup.
#pragma once

#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "spawn/job_cgroup.hpp"
#include "spawn/job_processes.hpp"
#include "spawn/process_runner.hpp"

namespace runtimo::spawn::test {

inline std::string fresh_spawn_id() {
  static std::atomic<unsigned> counter{0};
  char id[33];
  std::snprintf(
      id, sizeof id, "%016llx%08x%08x",
      static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count()),
      static_cast<unsigned>(::getpid()), counter++);
  return id;
}

inline SpawnRequest request_for(std::vector<std::string> argv) {
  SpawnRequest request;
  request.id = fresh_spawn_id();
  request.executable = argv.at(0);
  request.argv = std::move(argv);
  request.env = {"PATH=/usr/bin:/bin"};
  request.cwd = "/";
  request.timeout = std::chrono::seconds(60);
  request.kill_grace = std::chrono::milliseconds(500);
  return request;
}

inline SpawnRequest shell(const std::string &script) {
  return request_for({"/bin/sh", "-c", script});
}

inline std::optional<std::string> read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
      pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

// Fields 3 (state) and 4 (ppid) of /proc/<pid>/stat; nullopt when gone.
struct StateAndParent {
  char state;
  pid_t ppid;
};
inline std::optional<StateAndParent> state_of(pid_t pid) {
  const auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  std::istringstream rest(stat->substr(stat->rfind(')') + 1));
  StateAndParent out{};
  rest >> out.state >> out.ppid;
  return out;
}

inline bool has_marker(pid_t pid, const std::string &id) {
  const auto environ = read_file("/proc/" + std::to_string(pid) + "/environ");
  if (!environ) return false;
  const std::string marker = spawn_marker(id);
  return environ->find(std::string(1, '\0') + marker + '\0') != std::string::npos ||
         environ->rfind(marker + '\0', 0) == 0;
}

inline std::vector<pid_t> processes_with_marker(const std::string &id) {
  std::vector<pid_t> found;
  for (const pid_t pid : all_pids()) {
    if (has_marker(pid, id)) found.push_back(pid);
  }
  return found;
}

inline std::vector<pid_t> zombie_children() {
  std::vector<pid_t> found;
  for (const pid_t pid : all_pids()) {
    const auto s = state_of(pid);
    if (s && s->ppid == ::getpid() && s->state == 'Z') found.push_back(pid);
  }
  return found;
}

// Alive, and still the job's (a recycled pid would not carry the marker).
inline bool still_running(pid_t pid, const std::string &id) {
  const auto s = state_of(pid);
  return s && s->state != 'Z' && has_marker(pid, id);
}

inline std::filesystem::path job_cgroup_path(const std::string &id) {
  return JobCgroup::of_job(cgroup_support().parent, id).path();
}

inline void check_nothing_left(const SpawnRequest &request, const SpawnResult &result) {
  BOOST_TEST(result.leftovers.empty());
  for (const auto &p : result.processes) {
    BOOST_TEST_CONTEXT("pid " << p.pid << " " << p.cmdline) {
      BOOST_TEST(!still_running(static_cast<pid_t>(p.pid), request.id));
    }
  }
  BOOST_TEST(processes_with_marker(request.id).empty());
  BOOST_TEST(zombie_children().empty());
  if (cgroup_support().available) BOOST_TEST(!std::filesystem::exists(job_cgroup_path(request.id)));
}

// Waits for a condition the code under test brings about asynchronously (the detached reaper);
// the bound only turns a hang into a failure.
template <typename Condition>
bool eventually(Condition condition, std::chrono::seconds bound = std::chrono::seconds(20)) {
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Both containments where a cgroup is possible, else only the process group.
inline std::vector<bool> cgroup_modes() {
  if (!cgroup_support().available) {
    BOOST_TEST_MESSAGE("cgroup mode skipped: " << cgroup_support().why_not);
    return {false};
  }
  return {true, false};
}

// At the end of each test program: no job cgroup of its runs is left (their ids hold its pid).
struct NoJobCgroupLeft {
  void setup() {}
  void teardown() {
    if (!cgroup_support().available) return;
    char own[9];
    std::snprintf(own, sizeof own, "%08x", static_cast<unsigned>(::getpid()));
    for (const auto &entry : std::filesystem::directory_iterator(cgroup_support().parent)) {
      const auto name = entry.path().filename().string();
      const bool ours = name.starts_with(JobCgroup::kNamePrefix) && name.size() == JobCgroup::kNamePrefix.size() + 32 &&
                        name.compare(JobCgroup::kNamePrefix.size() + 16, 8, own) == 0;
      BOOST_TEST(!ours, "job cgroup left behind: " << entry.path());
    }
  }
};
BOOST_TEST_GLOBAL_FIXTURE(NoJobCgroupLeft);

}  // namespace runtimo::spawn::test
