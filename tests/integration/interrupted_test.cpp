// A runtime that dies in the middle of a job leaves no silent gap (issue 7, §1): its job is
// called interrupted by `status` as soon as its runner is gone (read-only, from the runner
// lock), and journaled as job.interrupted by the next runtime that opens the home — exactly
// once, however many open it at the same moment, and never while the runner lives.
#define BOOST_TEST_MODULE interrupted
#include <boost/test/unit_test.hpp>

#include "journal_invariants.hpp"
#include "runtime_fixture.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace runtimo;
using namespace runtimo::test;

namespace {

RuntimeOptions options_for(const TempDir &dir, RuntimeOptions::Purpose purpose = RuntimeOptions::Purpose::run) {
  RuntimeOptions o;
  o.purpose = purpose;
  o.home = dir / "home";
  o.use_environment = false;
  o.config_file = dir / "config.json";
  o.extra_plugin_dirs.push_back(std::filesystem::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / "slow");
  return o;
}

// Forks a runner that starts a Slow job (a minute's deadline) and never finishes it; returns
// once the job's start is in the journal, with the runner's pid and the job id. Nothing but
// the journal tells when the start is there, so it is watched (yielding, bounded).
std::pair<pid_t, std::string> runner_with_a_started_job(const TempDir &dir) {
  const pid_t child = ::fork();
  if (child == 0) {
    auto rt = Runtime::open(options_for(dir));
    RunOptions o;
    o.timeout = std::chrono::seconds(60);
    rt->run("Slow", "{}", o);
    ::_exit(0);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const auto wal = dir / "home" / "wal";
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(wal))
      for (const auto &r : wal::tail_journal(wal, 1))
        if (r.event.at("type").as_string() == "job.started")
          return {child, std::string(r.event.at("job").as_string())};
    std::this_thread::yield();
  }
  ::kill(child, SIGKILL);
  throw std::runtime_error("the runner never started its job");
}

std::size_t interrupted_events(const TempDir &dir, const std::string &job) {
  std::size_t n = 0;
  for (const auto &r : wal::tail_journal(dir / "home" / "wal", 0, job))
    if (r.event.at("type").as_string() == "job.interrupted") ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_job_whose_runner_was_killed_is_called_then_journaled_interrupted) {
  TempDir dir;
  std::ofstream(dir / "config.json") << R"({"guard":{"enabled":false}})";
  const auto [runner, job] = runner_with_a_started_job(dir);

  // While the runner lives, nobody touches its job.
  auto bystander = Runtime::open(options_for(dir));
  BOOST_TEST(bystander->job_status(job)->state == "running");
  BOOST_TEST(interrupted_events(dir, job) == 0u);

  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  // A reader says so at once, and writes nothing.
  auto reader = Runtime::open(options_for(dir, RuntimeOptions::Purpose::journal));
  BOOST_TEST(reader->job_status(job)->state == "interrupted");
  BOOST_TEST(reader->recent_jobs(5).back().state == "interrupted");
  BOOST_TEST(interrupted_events(dir, job) == 0u);

  // The next runner journals it, once.
  auto after = Runtime::open(options_for(dir));
  const auto status = after->job_status(job);
  BOOST_REQUIRE(status.has_value());
  BOOST_TEST(status->state == "interrupted");
  BOOST_TEST(status->events.size() == 2u);
  BOOST_TEST(status->events.back().at("capability").as_string() == "Slow");
  auto again = Runtime::open(options_for(dir));
  BOOST_TEST(again->job_status(job)->events.size() == 2u);
  BOOST_TEST(journal_violations(dir / "home" / "wal").empty());
  BOOST_TEST(again->verify_journal().ok);
}

BOOST_AUTO_TEST_CASE(runtimes_opening_at_once_journal_an_interrupted_job_once) {
  TempDir dir;
  std::ofstream(dir / "config.json") << R"({"guard":{"enabled":false}})";
  const auto [runner, job] = runner_with_a_started_job(dir);
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  // Eight runtimes open the home together (released by one pipe closing).
  int go[2];
  BOOST_REQUIRE(::pipe(go) == 0);
  std::vector<pid_t> openers;
  for (int i = 0; i < 8; ++i) {
    const pid_t p = ::fork();
    if (p == 0) {
      ::close(go[1]);
      char byte;
      (void)!::read(go[0], &byte, 1);
      Runtime::open(options_for(dir));
      ::_exit(0);
    }
    openers.push_back(p);
  }
  ::close(go[0]);
  ::close(go[1]);
  for (const pid_t p : openers) {
    int status = 0;
    ::waitpid(p, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  BOOST_TEST(interrupted_events(dir, job) == 1u);
  BOOST_TEST(journal_violations(dir / "home" / "wal").empty());
}

BOOST_AUTO_TEST_CASE(a_finished_job_is_never_called_interrupted) {
  TempDir dir;
  std::ofstream(dir / "config.json") << R"({"guard":{"enabled":false}})";
  {
    auto rt = Runtime::open(options_for(dir));
    RunOptions o;
    o.timeout = std::chrono::milliseconds(1);
    BOOST_TEST(rt->run("Slow", "{}", o).status == JobStatus::timed_out);
  }  // the runner goes away after its job ended
  auto after = Runtime::open(options_for(dir));
  const auto jobs = after->recent_jobs(10);
  BOOST_REQUIRE(jobs.size() == 1u);
  BOOST_TEST(jobs[0].state == "timed_out");
  BOOST_TEST(journal_violations(dir / "home" / "wal").empty());
  // No lock of a runner that is gone is left behind.
  std::size_t locks = 0;
  for (const auto &e : std::filesystem::directory_iterator(dir / "home" / "run"))
    if (e.path().filename().string().starts_with("runner-")) ++locks;
  BOOST_TEST(locks == 1u);  // `after`'s own
}
