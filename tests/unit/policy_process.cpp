// policy_process.cpp — the process policy: who may be signalled. Real processes: the test
// itself, its parent and threads, init, kthreadd and kernel threads, fresh children; refusals
// name only the pid asked about (upstream C.31 leaked the protected list).
#define BOOST_TEST_MODULE policy_process
#include <boost/test/unit_test.hpp>

#include "policy/process_facts.hpp"
#include "policy/process_policy.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using runtimo::policy::ProcessPolicy;

namespace {

const std::vector<std::string> kUnits{"init.scope", "systemd-journald.service", "sshd.service"};

// A `sleep` child, killed and reaped when the test ends.
struct SleepChild {
  pid_t pid = -1;
  SleepChild() {
    pid = ::fork();
    if (pid == 0) {
      ::execlp("sleep", "sleep", "30", static_cast<char *>(nullptr));
      ::_exit(127);
    }
  }
  ~SleepChild() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

// A pid that existed a moment ago and has been reaped.
pid_t vanished_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

// Every number in `text`.
std::vector<std::string> numbers_in(const std::string &text) {
  std::vector<std::string> out;
  const std::regex number("[0-9]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number);
       it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

void expect_refused_naming_only(const ProcessPolicy &policy, std::int64_t pid) {
  const auto d = policy.check(pid);
  BOOST_TEST(d.status == RT_DENIED, "pid " << pid);
  BOOST_TEST(d.message ==
             "PID " + std::to_string(pid) + " is protected: Runtimo does not signal it");
  for (const std::string &n : numbers_in(d.message + " " + d.hint))
    BOOST_TEST(n == std::to_string(pid), "refusal of " << pid << " mentions " << n);
}

// A kernel thread other than kthreadd (a child of pid 2), found through /proc/2/task/2/children
// or, failing that, among the low pids. nullopt inside a pid namespace without kernel threads.
std::optional<std::int64_t> some_kernel_thread() {
  for (std::int64_t pid = 3; pid < 200; ++pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && ppid == 2)
      return pid;
  }
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_CASE(init_and_kthreadd_are_protected) {
  const ProcessPolicy policy(kUnits);
  expect_refused_naming_only(policy, 1);
  expect_refused_naming_only(policy, 2);
}

BOOST_AUTO_TEST_CASE(own_pid_and_parent_are_protected) {
  const ProcessPolicy policy(kUnits);
  expect_refused_naming_only(policy, ::getpid());
  expect_refused_naming_only(policy, ::getppid());
}

BOOST_AUTO_TEST_CASE(own_session_and_process_group_are_protected) {
  const ProcessPolicy policy(kUnits);
  if (::getsid(0) > 0) expect_refused_naming_only(policy, ::getsid(0));
  expect_refused_naming_only(policy, ::getpgrp());
}

BOOST_AUTO_TEST_CASE(own_thread_id_is_protected) {
  const ProcessPolicy policy(kUnits);
  std::atomic<long> tid{0};
  std::atomic<bool> done{false};
  std::thread worker([&] {
    tid = ::syscall(SYS_gettid);
    while (!done) std::this_thread::yield();
  });
  while (tid == 0) std::this_thread::yield();
  const auto d = policy.check(tid);
  done = true;
  worker.join();
  BOOST_TEST(d.status == RT_DENIED);
}

BOOST_AUTO_TEST_CASE(fresh_child_may_be_signalled) {
  const ProcessPolicy policy(kUnits);
  SleepChild child;
  BOOST_TEST_REQUIRE(child.pid > 0);
  const auto d = policy.check(child.pid);
  BOOST_TEST(d.ok(), d.message);
}

BOOST_AUTO_TEST_CASE(invalid_pids_are_refused_as_invalid) {
  const ProcessPolicy policy(kUnits);
  for (const std::int64_t pid : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{INT32_MAX} + 1}) {
    const auto d = policy.check(pid);
    BOOST_TEST(d.status == RT_INVALID_ARGS, "pid " << pid);
  }
}

BOOST_AUTO_TEST_CASE(pid_that_does_not_exist_is_allowed) {
  const ProcessPolicy policy(kUnits);
  const auto d = policy.check(vanished_pid());
  BOOST_TEST(d.ok(), d.message);
}

BOOST_AUTO_TEST_CASE(kernel_threads_are_protected) {
  const auto kthread = some_kernel_thread();
  if (!kthread) {
    BOOST_TEST_MESSAGE("no kernel thread visible (pid namespace): skipped");
    return;
  }
  expect_refused_naming_only(ProcessPolicy(kUnits), *kthread);
}

BOOST_AUTO_TEST_CASE(process_in_a_protected_unit_is_refused) {
  SleepChild child;
  BOOST_TEST_REQUIRE(child.pid > 0);
  const auto cgroup = runtimo::policy::read_cgroup(child.pid);
  BOOST_TEST_REQUIRE(cgroup.has_value());
  // Use one component of the child's real cgroup path as the protected unit.
  std::string component;
  const std::regex path_component(":/([^/\n]+)");
  std::smatch m;
  if (std::regex_search(*cgroup, m, path_component)) component = m[1];
  if (component.empty()) {
    BOOST_TEST_MESSAGE("the child's cgroup path is the root: skipped");
    return;
  }
  expect_refused_naming_only(ProcessPolicy({component}), child.pid);
  BOOST_TEST(ProcessPolicy({component + "x"}).check(child.pid).ok());
}

BOOST_AUTO_TEST_CASE(cgroup_units_match_whole_components_only) {
  using runtimo::policy::cgroup_has_unit;
  const std::vector<std::string> units{"sshd.service", "init.scope"};
  BOOST_TEST(cgroup_has_unit("0::/system.slice/sshd.service\n", units));
  BOOST_TEST(cgroup_has_unit("0::/system.slice/sshd.service/child\n", units));
  BOOST_TEST(cgroup_has_unit("12:pids:/x\n1:name=systemd:/init.scope\n", units));
  BOOST_TEST(!cgroup_has_unit("0::/system.slice/sshd.service-extra\n", units));
  BOOST_TEST(!cgroup_has_unit("0::/user.slice/user-1000.slice/session-2.scope\n", units));
  // Upstream C.31: the word "systemd" anywhere protected everything on cgroup v1.
  BOOST_TEST(!cgroup_has_unit("1:name=systemd:/user.slice\n", {"systemd"}));
  BOOST_TEST(!cgroup_has_unit("0::/\n", units));
}
