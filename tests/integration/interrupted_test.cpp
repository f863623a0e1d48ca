// A runtime that dies in the middle of a job leaves no silent gap: the next Runtime to open the
// home journals job.interrupted for it — but never for a job whose runner is still alive.
#define BOOST_TEST_MODULE interrupted
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace runtimo;
using namespace runtimo::test;

namespace {

RuntimeOptions options_for(const TempDir &dir) {
  RuntimeOptions o;
  o.home = dir / "home";
  o.use_environment = false;
  o.extra_plugin_dirs.push_back(std::filesystem::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / "slow");
  return o;
}

std::string started_job(Runtime &rt) {
  for (const auto &e : rt.events(0))
    if (e.at("type").as_string() == "job.started") return std::string(e.at("job").as_string());
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_job_whose_runner_was_killed_is_journaled_as_interrupted) {
  TempDir dir;
  auto observer = Runtime::open(options_for(dir));
  const pid_t child = ::fork();
  if (child == 0) {
    auto rt = Runtime::open(options_for(dir));
    RunOptions o;
    o.timeout = std::chrono::seconds(60);
    rt->run("Slow", "{}", o);
    ::_exit(0);
  }
  std::string job;
  for (int i = 0; i < 500 && job.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    job = started_job(*observer);
  }
  BOOST_REQUIRE(!job.empty());

  // While the runner lives, opening the home does not touch its job.
  auto bystander = Runtime::open(options_for(dir));
  BOOST_TEST(bystander->job_status(job)->state == "running");

  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  auto after = Runtime::open(options_for(dir));
  const auto status = after->job_status(job);
  BOOST_REQUIRE(status.has_value());
  BOOST_TEST(status->state == "interrupted");
  BOOST_TEST(status->events.size() == 2u);
  BOOST_TEST(status->events.back().at("capability").as_string() == "Slow");
  // Journaled once: a further open adds nothing.
  auto again = Runtime::open(options_for(dir));
  BOOST_TEST(again->job_status(job)->events.size() == 2u);
  BOOST_TEST(again->verify_journal().ok);
}
