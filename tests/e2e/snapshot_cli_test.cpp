// The snapshot provider seen from the `runtimo` command (issue 3): no subprocess during a job
// (strace), the telemetry and processes blocks of `run --json`, the guard refusing with exit 3
// through a config file (and `runtimo telemetry` saying so), and bad guard settings.
#define BOOST_TEST_MODULE snapshot_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"

#include <array>
#include <fstream>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// What `runtimo run FileRead` execs and forks with `config_text` (strace -f): {execs,
// processes, threads}; every exec must be runtimo's own. The result must carry both snapshots.
std::array<int, 3> starts_of_a_job(const Cli &cli, const std::string &config_text) {
  const fs::path trace = cli.dir / "trace.txt", config = cli.dir / "config.json";
  std::ofstream(config) << config_text;
  const Captured c = run_capture({"/usr/bin/strace", "-f", "-qq", "-o", trace.string(), "-e",
                                  "trace=execve,execveat,clone,clone3,fork,vfork", cli.bin, "run",
                                  "FileRead", R"({"path":"/etc/hostname"})", "--home",
                                  cli.home.string(), "--config", config.string(), "--json"});
  BOOST_TEST_INFO(c.err);
  BOOST_REQUIRE(c.exit_code == 0);
  std::ifstream in(trace);
  std::array<int, 3> counts{0, 0, 0};
  std::string all;
  for (std::string l; std::getline(in, l);) {
    if (l.find('(') == std::string::npos) continue;
    all += l + "\n";
    if (l.find("execve(") != std::string::npos || l.find("execveat(") != std::string::npos) {
      ++counts[0];
      BOOST_TEST(l.find("execve(\"" + cli.bin + "\"") != std::string::npos, l);
    } else if (l.find("CLONE_THREAD") != std::string::npos) {
      ++counts[2];
    } else if (l.find("clone") != std::string::npos || l.find("fork(") != std::string::npos) {
      ++counts[1];
    }
  }
  BOOST_TEST_MESSAGE("trace:\n" << all);
  const json::value r = json::parse(c.out);
  BOOST_TEST(r.at("telemetry").at("before").at("memory").at("total_bytes").to_number<double>() > 0);
  BOOST_TEST(r.at("processes").at("after").at("total").to_number<long>() > 1);
  return counts;
}

}  // namespace

// Snapshots and the pipeline run no program (no ps, no shell): the only exec is runtimo's own.
// A bundled plugin runs in the host (the default config trusts them): no process, no thread.
// A supervised plugin's job starts exactly one process, its worker, forked from the one thread
// the worker pool keeps for that.
BOOST_AUTO_TEST_CASE(a_job_runs_no_program_and_starts_at_most_its_worker) {
  // .ci/install-deps installs strace: without it this test fails rather than passing unseen.
  BOOST_REQUIRE_MESSAGE(::access("/usr/bin/strace", X_OK) == 0,
                        "strace is not installed: run .ci/install-deps");
  Cli cli;
  // A plugin file new to the home is probed in a child process once, at load, before any job;
  // the home remembers the verdict, so the traced commands below load without one.
  BOOST_REQUIRE(cli({"run", "FileRead", R"({"path":"/etc/hostname"})"}).exit_code == 0);
  const auto in_host = starts_of_a_job(cli, R"({"guard":{"enabled":false},"snapshots":{"mode":"full"}})");
  BOOST_TEST(in_host[0] == 1);
  BOOST_TEST(in_host[1] == 0);
  BOOST_TEST(in_host[2] == 0);
  const auto supervised = starts_of_a_job(
      cli, R"({"guard":{"enabled":false},"snapshots":{"mode":"full"},
              "plugins":{"file_read":{"isolation":"worker"}}})");
  BOOST_TEST(supervised[0] == 1);
  BOOST_TEST(supervised[1] == 1);  // the worker
  BOOST_TEST(supervised[2] == 1);  // the thread workers are forked from
}

BOOST_AUTO_TEST_CASE(run_json_carries_the_delta_of_a_kill) {
  Cli cli;
  // Full snapshots: the killed child stays a zombie until this test reaps it, and only a full
  // scan tells a zombie from a live process (the default census sees a pid either way).
  const fs::path full = cli.dir / "full.json";
  std::ofstream(full) << R"({"guard":{"enabled":false},"snapshots":{"mode":"full"}})";
  LiveChild sleeper({"/bin/sleep", "30"});
  const Captured c = cli({"run", "Kill", "{\"pid\":" + std::to_string(sleeper.pid()) + "}",
                          "--config", full.string(), "--json"});
  BOOST_REQUIRE(c.exit_code == 0);
  const json::value r = json::parse(c.out);
  bool listed = false;
  for (const auto &e : r.at("processes").at("delta").at("exited").as_array())
    listed = listed || e.at("pid").to_number<pid_t>() == sleeper.pid();
  BOOST_TEST(listed);
  sleeper.reap();
  // The terminal event in the journal has the same delta.
  const auto events = cli.journal(std::string(r.at("job_id").as_string()));
  BOOST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[1].at("processes").at("delta").at("exited_count").to_number<int>() >= 1);
}

BOOST_AUTO_TEST_CASE(a_tripped_guard_refuses_fileread_with_exit_3_but_runs_kill) {
  Cli cli;
  const fs::path config = cli.dir / "guard.json";
  std::ofstream(config) << R"({"guard":{"mem_available_pct_min":100,"load_per_cpu_max":null}})";
  const Captured refused = cli({"run", "FileRead", R"({"path":"/etc/hostname"})", "--json",
                                "--config", config.string()});
  BOOST_TEST(refused.exit_code == 3);
  const json::value r = json::parse(refused.out);
  BOOST_TEST(r.at("stage").as_string() == "guard");
  BOOST_TEST(r.at("error").at("kind").as_string() == "guard");
  BOOST_TEST(r.at("guard").at("measured").at("mem_available_pct").to_number<double>() < 100);
  // Text output says what was measured and how to get out.
  const Captured text = cli({"run", "FileRead", R"({"path":"/etc/hostname"})", "--config", config.string()});
  BOOST_TEST(text.exit_code == 3);
  BOOST_TEST(text.err.find("available memory") != std::string::npos, text.err);

  LiveChild sleeper({"/bin/sleep", "30"});
  const Captured kill = cli({"run", "Kill", "{\"pid\":" + std::to_string(sleeper.pid()) + "}",
                             "--config", config.string()});
  BOOST_TEST(kill.exit_code == 0, kill.err);
  sleeper.reap();
  const Captured plist = cli({"run", "ProcessList", R"({"pid":1})", "--config", config.string()});
  BOOST_TEST(plist.exit_code == 0, plist.err);
  const Captured telemetry = cli({"run", "Telemetry", R"({"sections":["memory"]})", "--config", config.string()});
  BOOST_TEST(telemetry.exit_code == 0, telemetry.err);
}

BOOST_AUTO_TEST_CASE(telemetry_text_says_whether_the_guard_refuses_and_why) {
  Cli cli;
  const fs::path defaults = cli.dir / "defaults.json";
  std::ofstream(defaults) << "{}";  // the default guard, on
  const Captured calm = cli({"telemetry", "--section", "memory", "--config", defaults.string()});
  BOOST_TEST(calm.exit_code == 0);
  BOOST_TEST(calm.out.find("guard     ok") != std::string::npos, calm.out);
  const fs::path config = cli.dir / "guard.json";
  std::ofstream(config) << R"({"guard":{"mem_available_pct_min":100}})";
  const Captured tripped = cli({"telemetry", "--section", "memory", "--config", config.string()});
  BOOST_TEST(tripped.exit_code == 0);
  BOOST_TEST(tripped.out.find("guard     refusing all but rescue capabilities") != std::string::npos,
             tripped.out);
  BOOST_TEST(tripped.out.find("available memory") != std::string::npos, tripped.out);
}

BOOST_AUTO_TEST_CASE(a_bad_guard_threshold_is_a_config_error) {
  Cli cli;
  const fs::path config = cli.dir / "bad.json";
  std::ofstream(config) << R"({"guard":{"mem_available_pct_min":"lots"}})";
  const Captured c = cli({"list", "--config", config.string()});
  BOOST_TEST(c.exit_code == 2);
  BOOST_TEST(c.err.find("mem_available_pct_min") != std::string::npos, c.err);
}
