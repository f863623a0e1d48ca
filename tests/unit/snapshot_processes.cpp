// snapshot_processes.cpp — the process snapshot against the system calls and real children:
// the test's own entry, a sleeping child, a zombie, a busy child's CPU %, the delta around
// spawning and reaping, bounded command lines, processes vanishing mid-scan, and the second
// reading thread (pinned to another CPU) seeing what one thread sees.
#define BOOST_TEST_MODULE snapshot_processes
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "snapshot/pinned_thread.hpp"
#include "snapshot/process_identity.hpp"
#include "snapshot/process_snapshot.hpp"

#include <boost/json.hpp>

#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

namespace json = boost::json;
namespace snap = runtimo::snapshot;
using runtimo::test::LiveChild;

namespace {

const snap::ProcessInfo *find(const snap::ProcessSnapshot &s, std::int64_t pid) {
  const auto it =
      std::lower_bound(s.processes.begin(), s.processes.end(), pid,
                       [](const snap::ProcessInfo &p, std::int64_t v) { return p.pid < v; });
  return it != s.processes.end() && it->pid == pid ? &*it : nullptr;
}

bool contains(const std::vector<snap::ProcessInfo> &list, std::int64_t pid) {
  return std::any_of(list.begin(), list.end(),
                     [&](const snap::ProcessInfo &p) { return p.pid == pid; });
}

std::string status_value(const std::string &key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      std::string v = line.substr(key.size() + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  return {};
}

std::string first_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Watches (yielding, bounded by 10 s) until the child's comm is `comm`: the exec has no event
// the test could wait on once the child is not the test's own LiveChild.
void wait_for_comm(pid_t pid, const std::string &comm) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::string(snap::read_process_identity(pid).comm) == comm) return;
    std::this_thread::yield();
  }
  BOOST_FAIL("child " << pid << " never became " << comm);
}

snap::ProcessInfo info(std::int64_t pid, std::uint64_t start, const char *comm) {
  snap::ProcessInfo p;
  p.pid = pid;
  p.ppid = 1;
  p.start_time_ticks = start;
  p.comm = comm;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(own_process_matches_the_system_calls) {
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot s = sampler.capture();
  const snap::ProcessInfo *self = find(s, ::getpid());
  BOOST_TEST_REQUIRE(self != nullptr);
  BOOST_TEST(self->ppid == ::getppid());
  BOOST_TEST(self->uid == ::geteuid());
  BOOST_TEST(self->comm == first_line("/proc/self/comm"));
  BOOST_TEST(self->threads == std::stol(status_value("Threads")));
  BOOST_TEST(self->state == 'R');
  BOOST_TEST(!self->kernel_thread);
  BOOST_TEST(self->start_time_ticks == snap::read_process_identity(::getpid()).start_time_ticks);
  BOOST_TEST(self->rss_bytes > 0u);
  BOOST_TEST(self->vsize_bytes >= self->rss_bytes);
  const passwd *pw = ::getpwuid(::geteuid());
  if (pw != nullptr) BOOST_TEST(self->user == pw->pw_name);
  // The command line is /proc/self/cmdline with NULs as spaces (bounded to 256 bytes).
  std::ifstream cmd("/proc/self/cmdline");
  std::string raw((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  std::replace(raw.begin(), raw.end(), '\0', ' ');
  BOOST_TEST(raw.substr(0, self->cmdline.size()) == self->cmdline);
  BOOST_TEST(self->cmdline.size() == std::min<std::size_t>(raw.size(), 256));
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  BOOST_TEST(self->start_time_unix <= now + 1);
  BOOST_TEST(self->start_time_unix > now - 3600);
}

BOOST_AUTO_TEST_CASE(processes_are_sorted_unique_and_first_capture_has_no_cpu_pct) {
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot s = sampler.capture();
  BOOST_TEST(s.processes.size() > 1u);
  BOOST_TEST(s.interval_ms == -1.0);
  for (std::size_t i = 1; i < s.processes.size(); ++i)
    BOOST_TEST(s.processes[i - 1].pid < s.processes[i].pid);
  for (const snap::ProcessInfo &p : s.processes) BOOST_TEST(p.cpu_pct == -1.0);
  BOOST_TEST(s.ts > 0);
}

BOOST_AUTO_TEST_CASE(sleeping_child_shows_up_with_its_parent_and_command) {
  LiveChild child({"/bin/sleep", "30"});
  wait_for_comm(child.pid(), "sleep");
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot s = sampler.capture();
  const snap::ProcessInfo *p = find(s, child.pid());
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->ppid == ::getpid());
  BOOST_TEST(p->comm == "sleep");
  BOOST_TEST(p->cmdline == "/bin/sleep 30");
  BOOST_TEST(p->threads == 1);
  BOOST_TEST(p->uid == ::geteuid());
}

BOOST_AUTO_TEST_CASE(delta_shows_a_spawned_child_appearing_and_exiting) {
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot before = sampler.capture();
  auto child = std::make_unique<LiveChild>(std::vector<std::string>{"/bin/sleep", "30"});
  const pid_t pid = child->pid();
  wait_for_comm(pid, "sleep");
  const snap::ProcessSnapshot during = sampler.capture();
  const snap::ProcessDelta started = snap::diff(before, during);
  BOOST_TEST(contains(started.appeared, pid));
  BOOST_TEST(!contains(started.exited, pid));
  const json::object j = started.to_json();
  bool listed = false;
  for (const json::value &v : j.at("appeared").as_array()) {
    const json::object &o = v.as_object();
    if (o.at("pid").to_number<std::int64_t>() == pid) {
      listed = true;
      BOOST_TEST(o.at("comm").as_string() == "sleep");
      BOOST_TEST(o.at("ppid").to_number<std::int64_t>() == ::getpid());
    }
  }
  BOOST_TEST(listed);
  BOOST_TEST(j.at("appeared_count").to_number<std::size_t>() == started.appeared.size());

  child.reset();  // SIGKILL and reap
  const snap::ProcessSnapshot after = sampler.capture();
  const snap::ProcessDelta ended = snap::diff(during, after);
  BOOST_TEST(contains(ended.exited, pid));
  BOOST_TEST(!contains(ended.appeared, pid));
}

BOOST_AUTO_TEST_CASE(a_reused_pid_counts_as_exited_and_appeared) {
  snap::ProcessSnapshot before, after;
  before.processes = {info(10, 100, "old"), info(20, 200, "same"), info(30, 300, "gone")};
  after.processes = {info(10, 900, "new"), info(20, 200, "same"), info(40, 400, "born")};
  const snap::ProcessDelta d = snap::diff(before, after);
  BOOST_TEST_REQUIRE(d.exited.size() == 2u);
  BOOST_TEST(d.exited[0].comm == "old");
  BOOST_TEST(d.exited[1].comm == "gone");
  BOOST_TEST_REQUIRE(d.appeared.size() == 2u);
  BOOST_TEST(d.appeared[0].comm == "new");
  BOOST_TEST(d.appeared[1].comm == "born");
  const json::object j = d.to_json(1);
  BOOST_TEST(j.at("appeared").as_array().size() == 1u);
  BOOST_TEST(j.at("appeared_count").to_number<int>() == 2);
  BOOST_TEST(j.at("truncated").as_bool());
  BOOST_TEST(!d.to_json().contains("truncated"));
}

BOOST_AUTO_TEST_CASE(busy_child_uses_cpu_over_the_interval) {
  const pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    volatile unsigned long spin = 0;
    for (;;) spin = spin + 1;
  }
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot first = sampler.capture();
  const snap::ProcessInfo *p1 = find(first, child);
  BOOST_TEST_REQUIRE(p1 != nullptr);
  // However loaded the machine, wait until the child has run 10 ticks more (the interval is
  // whatever it takes), then compare the figure with the ticks themselves.
  const auto ticks_of = [&] {
    snap::ProcessSampler probe;
    const snap::ProcessInfo *p = find(probe.capture(), child);
    return p != nullptr ? p->cpu_time_ticks : 0;
  };
  while (ticks_of() < p1->cpu_time_ticks + 10) std::this_thread::yield();
  const snap::ProcessSnapshot second = sampler.capture();
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  const snap::ProcessInfo *p2 = find(second, child);
  BOOST_TEST_REQUIRE(p2 != nullptr);
  BOOST_TEST(p1->cpu_pct == -1.0);
  const double ticks = static_cast<double>(p2->cpu_time_ticks - p1->cpu_time_ticks);
  const double expected = 100.0 * ticks / static_cast<double>(::sysconf(_SC_CLK_TCK)) /
                          (second.interval_ms / 1000.0);
  BOOST_TEST(ticks >= 10.0);
  BOOST_TEST(p2->cpu_pct > 0.0);
  BOOST_TEST(std::fabs(p2->cpu_pct - expected) < 0.01 * expected + 0.01);
  BOOST_TEST(p2->cpu_pct <= 105.0);  // one thread: at most one core (and a tick of rounding)
  const json::object summary = second.summary();
  const json::array &top = summary.at("top_cpu").as_array();
  BOOST_TEST(top.size() == 5u);
  BOOST_TEST(top[0].as_object().at("cpu_pct").to_number<double>() >= p2->cpu_pct);
}

BOOST_AUTO_TEST_CASE(zombie_child_is_counted_in_the_summary) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  BOOST_TEST_REQUIRE(child > 0);
  siginfo_t info{};
  BOOST_TEST_REQUIRE(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot s = sampler.capture();
  ::waitpid(child, nullptr, 0);
  const snap::ProcessInfo *p = find(s, child);
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->state == 'Z');
  BOOST_TEST(p->cmdline.empty());
  const json::object summary = s.summary();
  const auto zombies = std::count_if(s.processes.begin(), s.processes.end(),
                                     [](const snap::ProcessInfo &q) { return q.state == 'Z'; });
  BOOST_TEST(summary.at("zombies").to_number<long>() == zombies);
  BOOST_TEST(summary.at("zombies").to_number<long>() >= 1);
  BOOST_TEST(summary.at("by_state").as_object().at("Z").to_number<long>() == zombies);
  BOOST_TEST(summary.at("total").to_number<std::size_t>() == s.processes.size());
}

BOOST_AUTO_TEST_CASE(command_lines_are_bounded_and_optional) {
  std::vector<std::string> argv{"/bin/sleep", "30"};
  for (int i = 0; i < 300; ++i) argv.push_back("0");  // sleep adds its arguments up
  LiveChild child(argv);
  wait_for_comm(child.pid(), "sleep");
  snap::ProcessSampler sampler;
  const snap::ProcessInfo *p = nullptr;
  const snap::ProcessSnapshot s = sampler.capture();
  p = find(s, child.pid());
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->cmdline.size() <= 256u);
  BOOST_TEST(p->cmdline.size() >= 250u);
  BOOST_TEST(p->cmdline.rfind("/bin/sleep 30 0 0 0", 0) == 0u);

  snap::ProcessSnapshotOptions small;
  small.cmdline_max = 20;
  const snap::ProcessSnapshot s2 = sampler.capture(small);
  p = find(s2, child.pid());
  BOOST_TEST_REQUIRE(p != nullptr);
  // 20 bytes are "/bin/sleep 30 0 0 0" and the separator after it, which is dropped.
  BOOST_TEST(p->cmdline == "/bin/sleep 30 0 0 0");

  snap::ProcessSnapshotOptions none;
  none.cmdline = false;
  none.users = false;
  const snap::ProcessSnapshot s3 = sampler.capture(none);
  p = find(s3, child.pid());
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->cmdline.empty());
  BOOST_TEST(p->user.empty());
  BOOST_TEST(p->comm == "sleep");
}

BOOST_AUTO_TEST_CASE(kernel_threads_are_flagged_without_command_line) {
  if (first_line("/proc/2/comm") != "kthreadd") {
    BOOST_TEST_MESSAGE("pid 2 is not kthreadd here (pid namespace): skipped");
    return;
  }
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot s = sampler.capture();
  const snap::ProcessInfo *k = find(s, 2);
  BOOST_TEST_REQUIRE(k != nullptr);
  BOOST_TEST(k->kernel_thread);
  BOOST_TEST(k->cmdline.empty());
  BOOST_TEST(k->user == "root");
  BOOST_TEST(s.summary().at("kernel_threads").to_number<long>() >= 1);
}

BOOST_AUTO_TEST_CASE(json_shapes_hold_numbers_and_bounded_top_lists) {
  snap::ProcessSampler sampler;
  sampler.capture();
  const snap::ProcessSnapshot s = sampler.capture();
  BOOST_TEST(s.interval_ms > 0);
  const json::object full = s.to_json(true);
  BOOST_TEST(full.at("processes").as_array().size() == s.processes.size());
  BOOST_TEST(!s.to_json(false).contains("processes"));
  const json::object &first = full.at("processes").as_array()[0].as_object();
  for (const char *key : {"pid", "ppid", "uid", "threads", "rss_bytes", "vsize_bytes",
                          "cpu_time_ticks", "start_time_ticks", "start_time_unix", "cpu_pct"})
    BOOST_TEST(first.at(key).is_number(), key);
  BOOST_TEST(first.at("state").as_string().size() == 1u);
  const json::object &summary = full.at("summary").as_object();
  const json::array &rss = summary.at("top_rss").as_array();
  BOOST_TEST(rss.size() == std::min<std::size_t>(5, s.processes.size()));
  for (std::size_t i = 1; i < rss.size(); ++i)
    BOOST_TEST(rss[i - 1].as_object().at("rss_bytes").to_number<double>() >=
               rss[i].as_object().at("rss_bytes").to_number<double>());
  // Serialises to valid JSON that parses back.
  BOOST_TEST(json::parse(json::serialize(full)).as_object().at("summary").is_object());
}

BOOST_AUTO_TEST_CASE(processes_vanishing_mid_scan_never_throw) {
  snap::ProcessSampler sampler;
  std::atomic<bool> done{false};
  std::atomic<int> scans{0}, failures{0};
  std::thread scanner([&] {
    while (!done) {
      try {
        sampler.capture();
        ++scans;
      } catch (...) {
        ++failures;
      }
    }
  });
  for (int i = 0; i < 50; ++i) {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    BOOST_TEST_REQUIRE(child > 0);
    ::waitpid(child, nullptr, 0);
  }
  // Let the scanner finish at least one more scan after the last child.
  const int seen = scans.load();
  while (scans.load() < seen + 2) std::this_thread::yield();
  done = true;
  scanner.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(scans.load() >= 2);
}

BOOST_AUTO_TEST_CASE(capturing_spawns_no_process) {
  snap::ProcessSampler sampler;
  sampler.capture();
  errno = 0;
  BOOST_TEST(::waitpid(-1, nullptr, WNOHANG) == -1);
  BOOST_TEST(errno == ECHILD);
}

namespace {

std::size_t processes_now() {
  std::size_t n = 0;
  for (const auto &e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    n += !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_reading_threads_see_what_one_sees) {
  // Enough processes for the second thread (at least 128), each with its own command line.
  std::vector<std::unique_ptr<LiveChild>> children;
  const std::size_t wanted = std::max<std::size_t>(processes_now() + 16, 160);
  for (std::size_t i = 0; processes_now() < wanted; ++i)
    children.push_back(std::make_unique<LiveChild>(
        std::vector<std::string>{"/bin/sleep", "40." + std::to_string(i)}));
  for (const auto &c : children) wait_for_comm(c->pid(), "sleep");

  snap::ProcessSampler sampler;
  snap::ProcessSnapshotOptions two;
  two.threads = 2;
  const snap::ProcessSnapshot both = sampler.capture(two);
  const snap::ProcessSnapshot one = sampler.capture();
  BOOST_TEST(both.processes.size() >= 128u);
  for (std::size_t i = 1; i < both.processes.size(); ++i)
    BOOST_TEST_REQUIRE(both.processes[i - 1].pid < both.processes[i].pid);
  for (std::size_t i = 0; i < children.size(); ++i) {
    const snap::ProcessInfo *a = find(both, children[i]->pid());
    const snap::ProcessInfo *b = find(one, children[i]->pid());
    BOOST_TEST_REQUIRE(a != nullptr);
    BOOST_TEST_REQUIRE(b != nullptr);
    BOOST_TEST(a->cmdline == "/bin/sleep 40." + std::to_string(i));
    BOOST_TEST(a->cmdline == b->cmdline);
    BOOST_TEST(a->start_time_ticks == b->start_time_ticks);
    BOOST_TEST(a->ppid == ::getpid());
  }
}

BOOST_AUTO_TEST_CASE(the_helper_thread_runs_pinned_to_another_cpu_or_not_at_all) {
  cpu_set_t allowed;
  BOOST_TEST_REQUIRE(::sched_getaffinity(0, sizeof allowed, &allowed) == 0);
  if (CPU_COUNT(&allowed) > 1) {
    std::atomic<int> cpus_allowed{0}, ran_on{-1};
    {
      const snap::PinnedThread helper([&] {
        cpu_set_t mine;
        ::sched_getaffinity(0, sizeof mine, &mine);
        cpus_allowed = CPU_COUNT(&mine);
        ran_on = ::sched_getcpu();
      });
      BOOST_TEST(helper.running());
    }
    BOOST_TEST(cpus_allowed.load() == 1);  // pinned
    BOOST_TEST(CPU_ISSET(ran_on.load(), &allowed));
  }
  // Restricted to one CPU, there is no other: the work is left to the caller.
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(::sched_getcpu(), &one);
  BOOST_TEST_REQUIRE(::sched_setaffinity(0, sizeof one, &one) == 0);
  bool ran = false;
  {
    const snap::PinnedThread helper([&] { ran = true; });
    BOOST_TEST(!helper.running());
  }
  BOOST_TEST(!ran);
  BOOST_TEST(::sched_setaffinity(0, sizeof allowed, &allowed) == 0);
}
