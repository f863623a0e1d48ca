// Plugins cannot take the host down (issue 8, item 1): validate and execute run in a
// supervised worker process, so a segfault, abort(), exit(), a loop that ignores its deadline,
// a fork that returns from execute twice, or a child left running each end the job once with a
// reason — and the host, the journal and the next jobs carry on. A plugin configured
// "isolation": "in_process" runs in the host, as before.
#define BOOST_TEST_MODULE supervision
#include <boost/test/unit_test.hpp>

#include "journal_invariants.hpp"
#include "runtime_fixture.hpp"

#include <signal.h>

#include <filesystem>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

struct Crashers : RuntimeFixture {
  Crashers() : RuntimeFixture({"crashers"}) {}
  // The host still answers, and a good job of the same plugin runs in a fresh worker.
  void still_works() {
    BOOST_TEST(run("Kill", {{"pid", 1}}).exit_code() == 3);
    BOOST_TEST(run("Chat", {{"calls", 3}}).success);
    BOOST_TEST(journal_violations(rt->journal_dir()).empty());
    BOOST_TEST(rt->verify_journal().ok);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_segfault_in_execute_fails_the_job_with_the_signal) {
  Crashers f;
  const JobResult r = f.run("Segfault", json::object{});
  BOOST_TEST(r.status == JobStatus::failed);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "plugin_crashed");
  BOOST_TEST(r.error->message.find("SIGSEGV") != std::string::npos, r.error->message);
  BOOST_TEST(r.exit_code() == 1);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.failed"}));
  f.still_works();
}

BOOST_AUTO_TEST_CASE(abort_and_exit_in_execute_are_reported_as_what_they_are) {
  Crashers f;
  const JobResult aborted = f.run("Abort", json::object{});
  BOOST_TEST(aborted.error->kind == "plugin_crashed");
  BOOST_TEST(aborted.error->message.find("SIGABRT") != std::string::npos, aborted.error->message);
  const JobResult exited = f.run("Exit", json::object{});
  BOOST_TEST(exited.status == JobStatus::failed);
  BOOST_TEST(exited.error->kind == "plugin_crashed");
  BOOST_TEST(exited.error->message.find("exited with status 0") != std::string::npos, exited.error->message);
  f.still_works();
}

BOOST_AUTO_TEST_CASE(a_plugin_that_ignores_its_deadline_is_killed_at_it) {
  Crashers f;
  RunOptions o;
  o.timeout = std::chrono::seconds(1);
  const JobResult r = f.run("Hang", json::object{}, o);
  BOOST_TEST(r.status == JobStatus::timed_out);
  BOOST_TEST(r.exit_code() == 124);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.timed_out"}));
  f.still_works();
}

BOOST_AUTO_TEST_CASE(a_fork_that_returns_from_execute_twice_ends_the_job_once) {
  Crashers f;
  const JobResult r = f.run("ForkReturn", json::object{});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("returned_in").as_string() == "parent");
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.completed"}));
  f.still_works();
}

BOOST_AUTO_TEST_CASE(a_child_left_running_by_execute_is_killed_when_the_call_returns) {
  Crashers f;
  const JobResult r = f.run("LeaveChild", json::object{});
  BOOST_REQUIRE(r.success);
  const auto pid = r.data.at("pid").to_number<pid_t>();
  // The worker killed and reaped it before it answered.
  BOOST_TEST(!std::filesystem::exists("/proc/" + std::to_string(pid)));
  const auto done = f.journal_of(r.job_id).back();
  BOOST_TEST(done.at("timing").at("leftovers_killed").to_number<int>() >= 1);
  f.still_works();
}

BOOST_AUTO_TEST_CASE(a_crash_in_validate_refuses_the_job_before_it_starts) {
  Crashers f;
  const JobResult r = f.run("CrashInValidate", json::object{});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.stage == "validate");
  BOOST_TEST(r.error->kind == "plugin_crashed");
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.rejected"}));
  f.still_works();
}

BOOST_AUTO_TEST_CASE(a_supervised_plugin_reaches_every_host_service) {
  Crashers f;
  const JobResult r = f.run("Chat", {{"calls", 200}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("calls").to_number<int>() == 200);
  BOOST_TEST(f.journal_of(r.job_id).back().at("timing").at("worker").as_bool());
  // FileRead through a worker: the descriptor the host opened reaches the plugin.
  const JobResult read = f.run("FileRead", {{"path", "/proc/self/stat"}});
  BOOST_TEST(read.success);
}

BOOST_AUTO_TEST_CASE(a_plugin_configured_in_process_runs_in_the_host) {
  RuntimeFixture f({"crashers"},
                   R"({"journal":{"sync":"never"},"guard":{"enabled":false},
                       "plugins":{"crashers":{"isolation":"in_process"}}})");
  const JobResult r = f.run("Chat", {{"calls", 2}});
  BOOST_TEST(r.success);
  BOOST_TEST(!f.journal_of(r.job_id).back().at("timing").as_object().contains("worker"));
}
