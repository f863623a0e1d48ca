// Kill through the whole pipeline: real processes (a multi-threaded one too), the host's
// process policy, the journal.
#define BOOST_TEST_MODULE kill
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "runtime_fixture.hpp"

#include <sys/syscall.h>

#include <climits>
#include <cstdlib>
#include <thread>

namespace {

constexpr const char *kThreadedChildEnv = "RUNTIMO_TEST_THREADED_CHILD";

// This test binary, run with kThreadedChildEnv=<fd>, is a two-threaded process: its second
// thread writes its thread id to <fd>, then both sleep until killed.
const bool kIsThreadedChild = [] {
  const char *fd = std::getenv(kThreadedChildEnv);
  if (fd == nullptr) return false;
  std::thread([out = std::atoi(fd)] {
    const std::string tid = std::to_string(::syscall(SYS_gettid)) + "\n";
    if (::write(out, tid.data(), tid.size()) < 0) ::_exit(1);
    ::close(out);
    for (;;) ::pause();
  }).detach();
  for (;;) ::pause();
}();

// A child process with a second thread; its pid and that thread's id.
struct ThreadedChild {
  pid_t pid = -1;
  pid_t tid = -1;
  ThreadedChild() {
    int p[2];
    if (::pipe(p) != 0) throw std::runtime_error("pipe failed");
    pid = ::fork();
    if (pid == 0) {
      ::close(p[0]);
      ::setenv(kThreadedChildEnv, std::to_string(p[1]).c_str(), 1);
      ::execl("/proc/self/exe", "kill_threaded_child", static_cast<char *>(nullptr));
      ::_exit(127);
    }
    ::close(p[1]);
    char buf[32] = {};
    std::size_t got = 0;
    for (ssize_t n;
         got < sizeof buf - 1 && (n = ::read(p[0], buf + got, sizeof buf - 1 - got)) > 0;)
      got += static_cast<std::size_t>(n);
    ::close(p[0]);
    tid = std::atoi(buf);
    if (tid <= 0) throw std::runtime_error("the threaded child reported no thread id");
  }
  ~ThreadedChild() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  bool alive() const {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == 0;
  }
};

}  // namespace

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

bool has_started_event(RuntimeFixture &f, const std::string &job) {
  for (const auto &e : f.journal_of(job))
    if (RuntimeFixture::type_of(e) == "job.started") return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kill_terminates_a_live_process_and_reports_killed) {
  RuntimeFixture f;
  LiveChild sleeper({"/bin/sleep", "30"});
  const JobResult r = f.run("Kill", {{"pid", sleeper.pid()}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_TEST(r.success);
  BOOST_TEST(r.exit_code() == 0);
  BOOST_TEST(r.data.at("killed").as_bool());
  BOOST_TEST(r.data.at("signal").to_number<int>() == 15);
  BOOST_TEST(!sleeper.running());
  const int status = sleeper.reap();
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGTERM);
  const auto events = f.journal_of(r.job_id);
  BOOST_REQUIRE(events.size() == 2u);
  BOOST_TEST(RuntimeFixture::type_of(events[0]) == "job.started");
  BOOST_TEST(RuntimeFixture::type_of(events[1]) == "job.completed");
}

BOOST_AUTO_TEST_CASE(kill_refuses_pid_1_without_leaking_the_protected_set) {
  RuntimeFixture f;
  const JobResult r = f.run("Kill", {{"pid", 1}});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.exit_code() == 3);
  BOOST_TEST(r.stage == "validate");
  const std::string text = json::serialize(r.to_json());
  // The message names the pid asked about and nothing of the protected set.
  BOOST_TEST(text.find(std::to_string(::getpid())) == std::string::npos);
  BOOST_TEST(text.find(std::to_string(::getppid())) == std::string::npos);
  BOOST_TEST(!has_started_event(f, r.job_id));
  BOOST_TEST(RuntimeFixture::type_of(f.journal_of(r.job_id).at(0)) == "job.rejected");
}

BOOST_AUTO_TEST_CASE(kill_refuses_the_runtime_itself_and_its_parent) {
  RuntimeFixture f;
  for (const pid_t pid : {::getpid(), ::getppid()}) {
    const JobResult r = f.run("Kill", {{"pid", pid}});
    BOOST_TEST(r.exit_code() == 3);
    BOOST_TEST(!has_started_event(f, r.job_id));
  }
}

BOOST_AUTO_TEST_CASE(kill_refuses_kernel_threads) {
  RuntimeFixture f;
  const JobResult r = f.run("Kill", {{"pid", 2}});  // kthreadd
  BOOST_TEST(r.exit_code() == 3);
}

BOOST_AUTO_TEST_CASE(kill_of_a_vanished_pid_fails_with_not_found) {
  RuntimeFixture f;
  const JobResult r = f.run("Kill", {{"pid", vanished_pid()}});
  BOOST_TEST(r.status == JobStatus::failed);
  BOOST_TEST(r.exit_code() == 1);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "not_found");
}

BOOST_AUTO_TEST_CASE(kill_dry_run_reveals_nothing_and_signals_nothing) {
  RuntimeFixture f;
  LiveChild sleeper({"/bin/sleep", "30"});
  RunOptions dry;
  dry.dry_run = true;
  const JobResult live = f.run("Kill", {{"pid", sleeper.pid()}}, dry);
  const JobResult gone = f.run("Kill", {{"pid", vanished_pid()}}, dry);
  BOOST_TEST(live.success);
  BOOST_TEST(gone.success);
  BOOST_TEST(sleeper.running());
  // The same shape whatever the target: no comm, user or existence.
  BOOST_TEST(live.data.as_object().size() == gone.data.as_object().size());
  BOOST_TEST(!live.data.as_object().contains("comm"));
  BOOST_TEST(live.data.at("dry_run").as_bool());
}

BOOST_AUTO_TEST_CASE(kill_rejects_pids_beyond_int_max_and_bad_signals_at_the_schema) {
  RuntimeFixture f;
  const JobResult big = f.run("Kill", {{"pid", static_cast<std::int64_t>(INT_MAX) + 1}});
  BOOST_TEST(big.exit_code() == 2);
  BOOST_TEST(big.stage == "schema");
  BOOST_REQUIRE(!big.error->details.empty());
  BOOST_TEST(big.error->details.front().path == "/pid");
  for (int sig : {0, 32, 63, 65, -1}) {
    LiveChild sleeper({"/bin/sleep", "30"});
    const JobResult r = f.run("Kill", {{"pid", sleeper.pid()}, {"signal", sig}});
    BOOST_TEST_INFO("signal " << sig);
    BOOST_TEST(r.exit_code() == 2);
    BOOST_TEST(sleeper.running());
    BOOST_TEST(!has_started_event(f, r.job_id));
  }
}

BOOST_AUTO_TEST_CASE(kill_escalates_to_sigkill_when_sigterm_is_ignored) {
  RuntimeFixture f;
  LiveChild stubborn({"/bin/sleep", "30"}, /*ignore_sigterm=*/true);  // returns after the exec
  const JobResult r =
      f.run("Kill", {{"pid", stubborn.pid()}, {"escalate_after_ms", 100}, {"wait_ms", 3000}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("escalated").as_bool());
  const int status = stubborn.reap();
  BOOST_TEST(WTERMSIG(status) == SIGKILL);
}

BOOST_AUTO_TEST_CASE(kill_reports_a_process_still_running_after_the_wait) {
  RuntimeFixture f;
  LiveChild stubborn({"/bin/sleep", "30"}, /*ignore_sigterm=*/true);
  const JobResult r = f.run("Kill", {{"pid", stubborn.pid()}, {"wait_ms", 50}});
  BOOST_TEST(!r.success);
  BOOST_TEST(r.exit_code() == 1);
  BOOST_TEST(stubborn.running());
}

BOOST_AUTO_TEST_CASE(kill_refuses_a_pid_whose_start_time_changed) {
  RuntimeFixture f;
  LiveChild sleeper({"/bin/sleep", "30"});
  const JobResult r = f.run("Kill", {{"pid", sleeper.pid()}, {"start_time", 1}});
  BOOST_TEST(!r.success);
  BOOST_TEST(sleeper.running());
}

BOOST_AUTO_TEST_CASE(kill_of_a_thread_id_names_the_process_it_belongs_to) {
  RuntimeFixture f;
  const ThreadedChild child;
  BOOST_TEST_REQUIRE(child.tid != child.pid);
  const JobResult r = f.run("Kill", {{"pid", child.tid}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_TEST(r.exit_code() == 2);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->message == "PID " + std::to_string(child.tid) + " is a thread of process " +
                                     std::to_string(child.pid) +
                                     ": Kill signals whole processes, not single threads");
  BOOST_TEST(r.error->hint.find("give pid " + std::to_string(child.pid)) != std::string::npos);
  BOOST_TEST(child.alive());
  // The pid it names is the one that works.
  const JobResult process = f.run("Kill", {{"pid", child.pid}, {"signal", 9}});
  BOOST_TEST(process.success, json::serialize(process.to_json()));
  BOOST_TEST(!child.alive());
}
