// The snapshot provider around every job (issue 3): the before-telemetry and process summary in
// job.started, the after ones and the process delta in the terminal event and in the result,
// fresh captures for every job, the summary mode, the resource guard, and the on-demand
// Runtime::telemetry / Runtime::processes.
#define BOOST_TEST_MODULE snapshots
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "runtime_fixture.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

const json::object *find_pid(const json::value &list, std::int64_t pid) {
  for (const auto &e : list.as_array())
    if (e.at("pid").to_number<std::int64_t>() == pid) return &e.as_object();
  return nullptr;
}

json::object event_of(RuntimeFixture &f, const std::string &job, const std::string &type) {
  for (auto &e : f.journal_of(job))
    if (RuntimeFixture::type_of(e) == type) return e;
  throw std::runtime_error("no " + type + " event for job " + job);
}

// Kills a detached process at the end of a test, whatever happened.
struct KillAtExit {
  std::int64_t pid = 0;
  ~KillAtExit() {
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
  }
};

// Full snapshots: telemetry and a scan of every process around each job. The spawner runs in
// the host: what it starts is meant to outlive its job, and a worker kills what its plugin
// leaves running when the call returns (supervision_test).
constexpr const char *kFull =
    R"({"journal":{"sync":"never"},"guard":{"enabled":false},"snapshots":{"mode":"full"},
        "plugins":{"spawner":{"isolation":"in_process"}}})";
constexpr const char *kSpawnerInHost =
    R"({"journal":{"sync":"never"},"guard":{"enabled":false},
        "plugins":{"spawner":{"isolation":"in_process"}}})";

}  // namespace

BOOST_AUTO_TEST_CASE(started_and_terminal_events_carry_the_machine_before_and_after) {
  RuntimeFixture f({}, kFull);
  const JobResult r = f.run("FileRead", {{"path", "/proc/self/stat"}});
  BOOST_REQUIRE(r.success);
  const json::object started = event_of(f, r.job_id, "job.started");
  const auto &memory = started.at("telemetry").at("memory");
  BOOST_TEST(memory.at("total_bytes").to_number<double>() > 0);
  BOOST_TEST(started.at("telemetry").at("cpu").at("count").to_number<long>() ==
             ::sysconf(_SC_NPROCESSORS_ONLN));
  BOOST_TEST(started.at("processes").at("total").to_number<long>() > 1);
  const json::object done = event_of(f, r.job_id, "job.completed");
  BOOST_TEST(done.at("telemetry").at("memory").at("total_bytes") == memory.at("total_bytes"));
  BOOST_TEST(done.at("processes").at("after").at("total").to_number<long>() > 1);
  BOOST_TEST(done.at("processes").at("delta").at("appeared").is_array());
  BOOST_TEST(done.at("timing").at("execute_ms").to_number<double>() >= 0);
  // The result carries the same blocks.
  const json::value out = r.to_json();
  BOOST_TEST(out.at("telemetry").at("before").at("capture").at("ts").to_number<double>() <
             out.at("telemetry").at("after").at("capture").at("ts").to_number<double>());
  BOOST_TEST(out.at("processes").at("delta").at("exited_count").is_number());
}

BOOST_AUTO_TEST_CASE(every_job_gets_fresh_snapshots) {
  RuntimeFixture f;
  const JobResult a = f.run("FileRead", {{"path", "/proc/self/stat"}});
  const JobResult b = f.run("FileRead", {{"path", "/proc/self/stat"}});
  const auto ts = [](const JobResult &r, const char *when) {
    return r.telemetry.at(when).at("capture").at("ts").to_number<double>();
  };
  // Capture times are kept to the millisecond: two quick jobs may share one.
  BOOST_TEST(ts(a, "before") <= ts(a, "after"));
  BOOST_TEST(ts(a, "after") <= ts(b, "before"));
  BOOST_TEST(a.processes.at("after").at("total").to_number<long>() > 1);
}

BOOST_AUTO_TEST_CASE(a_process_the_job_started_is_in_the_delta) {
  RuntimeFixture f({"spawner"}, kSpawnerInHost);
  const JobResult r = f.run("Spawn", {{"seconds", 30}});
  BOOST_REQUIRE(r.success);
  KillAtExit cleanup{r.data.at("pid").to_number<std::int64_t>()};
  const auto *entry = find_pid(r.processes.at("delta").at("appeared"), cleanup.pid);
  BOOST_REQUIRE(entry != nullptr);
  BOOST_TEST(entry->at("comm").as_string() == "sleep");
  // The journal says the same.
  const json::object done = event_of(f, r.job_id, "job.completed");
  BOOST_TEST(find_pid(done.at("processes").at("delta").at("appeared"), cleanup.pid) != nullptr);
}

BOOST_AUTO_TEST_CASE(kill_shows_the_killed_process_among_the_exited) {
  // Full snapshots: the killed sleep is a zombie until init reaps it, which the default census
  // cannot tell from a live process.
  RuntimeFixture f({"spawner"}, kFull);
  // A process that is not the runtime's child (its parent reaps it) ...
  const JobResult spawned = f.run("Spawn", {{"seconds", 30}});
  BOOST_REQUIRE(spawned.success);
  KillAtExit cleanup{spawned.data.at("pid").to_number<std::int64_t>()};
  const JobResult r = f.run("Kill", {{"pid", cleanup.pid}});
  BOOST_REQUIRE(r.success);
  BOOST_TEST(find_pid(r.processes.at("delta").at("exited"), cleanup.pid) != nullptr);
}

BOOST_AUTO_TEST_CASE(full_snapshots_count_a_killed_zombie_among_the_exited) {
  RuntimeFixture f({}, kFull);
  // The runtime's own child, a zombie until reaped: it has ended all the same.
  LiveChild child({"/bin/sleep", "30"});
  const JobResult k = f.run("Kill", {{"pid", child.pid()}});
  BOOST_REQUIRE(k.success);
  const auto *exited = find_pid(k.processes.at("delta").at("exited"), child.pid());
  BOOST_REQUIRE(exited != nullptr);
  BOOST_TEST(exited->at("zombie").as_bool());
  child.reap();
}

BOOST_AUTO_TEST_CASE(summary_mode_keeps_the_census_and_the_delta_cheap) {
  // The default mode; the guard is on so that its reading serves as the before-telemetry.
  RuntimeFixture f({"spawner"}, R"({"journal":{"sync":"never"},
                                    "plugins":{"spawner":{"isolation":"in_process"}}})");
  const JobResult r = f.run("Spawn", {{"seconds", 30}});
  BOOST_REQUIRE(r.success);
  KillAtExit cleanup{r.data.at("pid").to_number<std::int64_t>()};
  const auto &before = r.processes.at("before");
  BOOST_TEST(r.telemetry.at("before").at("capture").at("mode").as_string() == "summary");
  BOOST_TEST(before.at("total").to_number<long>() > 1);
  BOOST_TEST(r.telemetry.at("before").at("mem_available_pct").to_number<double>() > 0);
  BOOST_TEST(!r.telemetry.at("before").as_object().contains("disks"));
  // The guard's reading for this job is its before-telemetry: the files are read once.
  BOOST_TEST(r.telemetry.at("before").at("capture").at("by").as_string() == "guard");
  const auto *entry = find_pid(r.processes.at("delta").at("appeared"), cleanup.pid);
  BOOST_REQUIRE(entry != nullptr);
  BOOST_TEST(entry->at("comm").as_string() == "sleep");
}

BOOST_AUTO_TEST_CASE(the_guard_refuses_ordinary_capabilities_and_lets_rescue_ones_run) {
  // No machine has more than 100% of its memory available: this guard always trips.
  RuntimeFixture f({}, R"({"journal":{"sync":"never"},"guard":{"mem_available_pct_min":100}})");
  const JobResult r = f.run("FileRead", {{"path", "/proc/self/stat"}});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.stage == "guard");
  BOOST_TEST(r.exit_code() == 3);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "guard");
  BOOST_TEST(r.error->details.at(0).path == "mem_available_pct");
  const auto events = f.journal_of(r.job_id);
  BOOST_REQUIRE(events.size() == 1u);
  BOOST_TEST(RuntimeFixture::type_of(events[0]) == "job.rejected");
  BOOST_TEST(events[0].at("stage").as_string() == "guard");
  const auto &measured = events[0].at("guard").at("measured");
  BOOST_TEST(measured.at("mem_available_pct").to_number<double>() > 0);
  BOOST_TEST(measured.at("mem_available_pct").to_number<double>() < 100);
  // Refused before validation: even arguments the schema rejects are refused by the guard.
  BOOST_TEST(f.run("FileRead", {{"nonsense", 1}}).stage == "guard");

  LiveChild child({"/bin/sleep", "30"});
  const JobResult k = f.run("Kill", {{"pid", child.pid()}});
  BOOST_TEST(k.success);
  child.reap();
  BOOST_TEST(f.rt->guard_state().at("refusing").as_bool());
}

BOOST_AUTO_TEST_CASE(the_default_guard_lets_jobs_run) {
  RuntimeFixture f;
  BOOST_TEST(!f.rt->guard_state().at("refusing").as_bool());
  BOOST_TEST(f.run("FileRead", {{"path", "/proc/self/stat"}}).success);
}

BOOST_AUTO_TEST_CASE(on_demand_scans_answer_queries_and_reject_bad_ones) {
  RuntimeFixture f;
  const json::value mine = f.rt->processes(json::object{{"pid", ::getpid()}});
  BOOST_REQUIRE(mine.at("processes").as_array().size() == 1u);
  BOOST_TEST(mine.at("processes").at(0).at("ppid").to_number<pid_t>() == ::getppid());
  BOOST_TEST(mine.at("summary").at("total").to_number<long>() > 1);
  BOOST_CHECK_THROW(f.rt->processes(json::object{{"sort", "memory"}}), std::invalid_argument);
  const json::value t = f.rt->telemetry({"memory"});
  BOOST_TEST(t.as_object().contains("memory"));
  BOOST_TEST(!t.as_object().contains("cpu"));
  BOOST_CHECK_THROW(f.rt->telemetry({"weather"}), std::invalid_argument);
}
