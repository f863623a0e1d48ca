// Every job ends exactly once, whatever instant the runtime dies at (issue 7, §1). Crash safety
// is shown by killing the runtime, not argued:
//   * strace kills `runtimo run` (SIGKILL injected at syscall entry) at each call in turn of
//     the syscalls a job's journaling makes — fdatasync, write, the renames, unlinks and opens
//     of the home, truncations, locks — for a read-only job (FileRead: lazy start, durable end)
//     and for one that may change the machine (Note: durable start, a note, durable end);
//   * 200 SIGKILLs at random instants of a runtime looping over jobs.
// After each kill the next runtime that opens the home recovers it, and the journal must hold,
// for every job.started, exactly one terminal event with nothing after it; `status` must agree
// with the journal (a completed job is never called interrupted, no job of a dead runner stays
// running).
#define BOOST_TEST_MODULE crash_safety
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <runtimo/runtime.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

using namespace runtimo;
using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string kStrace = "/usr/bin/strace";

std::string noter_dir() { return (fs::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / "noter").string(); }

struct JobCommand {
  std::string label;
  std::vector<std::string> args;  // after `runtimo`
};

std::vector<JobCommand> job_commands(const Cli &cli) {
  const std::string file = (cli.dir / "small.txt").string();
  std::ofstream(file) << "a small file\n";
  return {{"FileRead", {"run", "FileRead", "{\"path\":\"" + file + "\"}", "--json"}},
          {"Note", {"run", "Note", R"({"text":"x"})", "--plugin-dir", noter_dir(), "--json"}}};
}

std::vector<std::string> with_home(const Cli &cli, std::vector<std::string> args) {
  args.insert(args.begin(), cli.bin);
  args.push_back("--home");
  args.push_back(cli.home.string());
  return args;
}

// How many times `syscall` is entered by one run of `job`.
int count_calls(const Cli &cli, const JobCommand &job, const std::string &syscall) {
  const fs::path trace = cli.dir / "count.txt";
  std::vector<std::string> argv{kStrace, "-f", "-qq", "-o", trace.string(), "-e", "trace=" + syscall};
  for (auto &a : with_home(cli, job.args)) argv.push_back(a);
  const Captured c = run_capture(argv, {}, {"RUNTIMO_CONFIG=" + cli.quiet_config.string()});
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, job.label << " under strace: " << c.err);
  std::ifstream in(trace);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find(syscall + "(") != std::string::npos) ++n;
  return n;
}

// `status --json` of every job agrees with the journal: the state is the terminal event's.
void check_status_agrees(const Cli &cli) {
  const auto jobs = events_by_job(cli.home / "wal");
  const Captured c = cli({"status", "--json", "--recent", "100000"});
  BOOST_REQUIRE(c.exit_code == 0);
  const json::value status = json::parse(c.out);
  for (const auto &j : status.at("jobs").as_array()) {
    const std::string id(j.at("job_id").as_string());
    const std::string state(j.at("state").as_string());
    BOOST_TEST_INFO("job " << id);
    BOOST_TEST(state != "running");
    const auto it = jobs.find(id);
    BOOST_REQUIRE(it != jobs.end());
    const std::string last = it->second.types.back();
    BOOST_TEST(last == "job." + state);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_kill_at_any_journal_syscall_of_a_job_leaves_every_job_ended_once) {
  BOOST_REQUIRE_MESSAGE(::access(kStrace.c_str(), X_OK) == 0, "strace is not installed: run .ci/install-deps");
  const std::vector<std::string> syscalls{"fdatasync", "fsync",  "write",  "pwrite64", "rename",
                                          "renameat",  "unlink", "unlinkat", "ftruncate", "flock",
                                          "mkdirat",   "mkdir",  "openat"};
  int kills = 0;
  for (const std::string &syscall : syscalls) {
    Cli cli;
    const auto jobs = job_commands(cli);
    BOOST_REQUIRE(cli(jobs[0].args).exit_code == 0);  // the home exists, the journal has events
    for (const JobCommand &job : jobs) {
      const int calls = count_calls(cli, job, syscall);
      for (int n = 1; n <= calls; ++n) {
        // strace injects only into the syscalls it traces (the trace itself goes to /dev/null).
        std::vector<std::string> argv{kStrace, "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                                      "-e", "inject=" + syscall + ":signal=KILL:when=" + std::to_string(n)};
        for (auto &a : with_home(cli, job.args)) argv.push_back(a);
        const Captured killed = run_capture(argv, {}, {"RUNTIMO_CONFIG=" + cli.quiet_config.string()});
        // A later run may make fewer calls than the counted one (its first load of a plugin
        // also remembered its schema): then it was not killed, and must have succeeded.
        BOOST_TEST((killed.exit_code == 128 + SIGKILL || killed.exit_code == 0),
                   job.label << " at " << syscall << " #" << n << ": " << killed.err);
        if (killed.exit_code == 128 + SIGKILL) ++kills;
        // The next open recovers; then every job has exactly one end.
        const Captured next = cli(jobs[0].args);
        BOOST_TEST_INFO(job.label << ", killed at " << syscall << " #" << n << ": " << next.err);
        BOOST_REQUIRE(next.exit_code == 0);
        const auto problems = journal_violations(cli.home / "wal");
        for (const auto &p : problems) BOOST_ERROR(job.label << " killed at " << syscall << " #" << n << ": " << p);
        if (!problems.empty()) return;
      }
    }
    check_status_agrees(cli);
    BOOST_TEST(cli({"wal", "verify"}).exit_code == 0);
  }
  BOOST_TEST_MESSAGE(kills << " kills at syscalls");
  BOOST_TEST(kills > 50);
}

// Failures instead of kills: each call in turn of the syscalls that read /proc and write the
// journal fails (strace error injection). Whatever fails — a census of /proc cut short, a
// journal write that hits a full disk, a sync that reports an I/O error — every job still
// ends exactly once (by its runner, or as interrupted by the next open), and a result that
// says success is one the journal shows completed.
BOOST_AUTO_TEST_CASE(a_failing_syscall_anywhere_in_a_job_still_ends_it_once_and_truthfully) {
  BOOST_REQUIRE_MESSAGE(::access(kStrace.c_str(), X_OK) == 0, "strace is not installed: run .ci/install-deps");
  const std::vector<std::pair<std::string, std::string>> faults{
      {"getdents64", "EIO"}, {"fdatasync", "EIO"}, {"write", "ENOSPC"}, {"pwrite64", "ENOSPC"},
      {"read", "EIO"}};
  int failures = 0, refused = 0;
  for (const auto &[syscall, error] : faults) {
    Cli cli;
    const auto jobs = job_commands(cli);
    BOOST_REQUIRE(cli(jobs[0].args).exit_code == 0);
    for (const JobCommand &job : jobs) {
      const int calls = count_calls(cli, job, syscall);
      for (int n = 1; n <= calls; ++n) {
        std::vector<std::string> argv{kStrace, "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                                      "-e", "inject=" + syscall + ":error=" + error + ":when=" + std::to_string(n)};
        for (auto &a : with_home(cli, job.args)) argv.push_back(a);
        const Captured c = run_capture(argv, {}, {"RUNTIMO_CONFIG=" + cli.quiet_config.string()});
        ++failures;
        BOOST_TEST_INFO(job.label << ", " << syscall << " #" << n << " failing with " << error << ": " << c.err);
        BOOST_TEST(c.exit_code < 128);  // never a crash
        if (c.exit_code != 0) ++refused;
        // What the command said it did is what the journal says (once the home is reopened).
        BOOST_REQUIRE(cli(jobs[0].args).exit_code == 0);
        if (c.exit_code == 0) {
          const json::value r = json::parse(c.out);
          const auto all = events_by_job(cli.home / "wal");
          const auto it = all.find(std::string(r.at("job_id").as_string()));
          BOOST_REQUIRE(it != all.end());
          BOOST_TEST(it->second.types.back() == "job.completed");
        }
        const auto problems = journal_violations(cli.home / "wal");
        for (const auto &p : problems) BOOST_ERROR(job.label << ", " << syscall << " #" << n << ": " << p);
        if (!problems.empty()) return;
      }
    }
    check_status_agrees(cli);
  }
  BOOST_TEST_MESSAGE(failures << " failing syscalls, " << refused << " commands that said they failed");
  BOOST_TEST(failures > 50);
  BOOST_TEST(refused > 0);  // the faults did reach the runtime
}

BOOST_AUTO_TEST_CASE(two_hundred_random_kills_of_a_runtime_looping_over_jobs) {
  TempDir dir;
  RuntimeOptions o;
  o.home = dir / "home";
  o.use_environment = false;
  o.config_file = dir / "config.json";
  std::ofstream(o.config_file) << R"({"guard":{"enabled":false}})";
  o.extra_plugin_dirs.push_back(noter_dir());
  const std::string file = (dir / "small.txt").string();
  std::ofstream(file) << "a small file\n";

  std::mt19937 random(20261201);  // the instants vary, the seed does not
  for (int kill = 0; kill < 200; ++kill) {
    int ready[2];
    BOOST_REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(ready[0]);
      auto rt = Runtime::open(o);
      for (long i = 0;; ++i) {
        if (i % 2 == 0) rt->run("Note", R"({"text":"loop"})");
        else rt->run("FileRead", "{\"path\":\"" + file + "\"}");
        (void)!::write(ready[1], "j", 1);  // one job done
      }
    }
    ::close(ready[1]);
    // Let it finish 1–3 jobs, then kill it somewhere in the next ones.
    const int jobs = std::uniform_int_distribution<int>(1, 3)(random);
    char byte;
    for (int j = 0; j < jobs; ++j) BOOST_REQUIRE(::read(ready[0], &byte, 1) == 1);
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(random)));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(ready[0]);
  }
  // The next open journals what the dead runners left unfinished.
  auto rt = Runtime::open(o);
  const auto problems = journal_violations(rt->journal_dir());
  for (const auto &p : problems) BOOST_ERROR(p);
  std::size_t interrupted = 0, total = 0;
  for (const auto &[job, e] : events_by_job(rt->journal_dir())) {
    ++total;
    if (e.types.back() == "job.interrupted") ++interrupted;
    const auto status = rt->job_status(job);
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(status->state == e.types.back().substr(4));
  }
  BOOST_TEST_MESSAGE(total << " jobs, " << interrupted << " interrupted");
  BOOST_TEST(total >= 400u);
  BOOST_TEST(rt->verify_journal().ok);
}
