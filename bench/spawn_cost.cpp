// spawn_cost.cpp — what running a command through ShellExec costs (issue 11), each against its
// floor measured in the same run:
//
//   bench/bench_spawn_cost BUILD_DIR [--rounds N] [--runs N] [--deadlines N] [--mib N]
//
// Every figure goes through the embedding API (Runtime::run of ShellExec in this process), in a
// fresh home per containment mode, journal sync "never" (the pipeline, not the disk: the
// durable journal adds its two fdatasyncs, measured by bench_file_write_cost), snapshots
// "summary", the guard off.
// (1) ShellExec of `/bin/true` (target: pipeline overhead ≤ 3 ms beyond a bare posix_spawn +
//     wait of the same binary): ROUNDS (7) rounds of RUNS (51), interleaved run by run:
//     Runtime::run("ShellExec", {"argv":["/bin/true"]}) with containment "cgroup" (where the
//     runtime may make one) and "process_group" (spawn.cgroup "off"), and posix_spawn +
//     waitpid of /bin/true. Overhead = median of the round medians less the floor's.
// (2) The deadline (target: fires within 50 ms of its time): DEADLINES (7) runs of ShellExec
//     {"argv":["/bin/sleep","30"],"timeout_secs":1}; lateness = the result's duration_ms − 1000
//     (sleep dies at the SIGTERM; duration_ms runs from the start to the main process's exit).
// (3) 100 MiB of output (MIB, target: ≥ ½ the speed of `cat` into a pipe): ShellExec of
//     `head -c 100M /dev/zero` (max_output_bytes 64 KiB: what is kept does not matter) against
//     the peer: `head -c 100M /dev/zero` with its stdout a pipe read by `cat` writing to
//     /dev/null, both started by this bench, timed until both exited. Rounds alternate; MB/s.
#include "bench_support.hpp"

#include <runtimo/runtime.hpp>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using bench::Clock;

struct Home {
  fs::path dir;
  std::unique_ptr<runtimo::Runtime> rt;
};

Home open_home(const fs::path &build, const std::string &name, const std::string &cgroup) {
  Home h;
  h.dir = fs::temp_directory_path() / ("runtimo-bench-spawn-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(h.dir);
  fs::create_directories(h.dir);
  std::ofstream(h.dir / "config.json") << R"({"journal":{"sync":"never"},"snapshots":{"mode":"summary"},"guard":{"enabled":false},)"
                                       << R"("log":{"level":"error"},"spawn":{"cgroup":")" << cgroup << R"("}})";
  runtimo::RuntimeOptions o;
  o.home = h.dir / "home";
  o.config_file = h.dir / "config.json";
  o.use_environment = false;
  o.load_build_plugins = false;
  o.extra_plugin_dirs.push_back(build / "plugins");
  h.rt = runtimo::Runtime::open(o);
  return h;
}

json::object shell(Home &h, const json::object &args) {
  const auto r = h.rt->run("ShellExec", json::serialize(args));
  if (r.status != runtimo::JobStatus::completed) bench::die("ShellExec failed: " + json::serialize(r.data));
  return r.data.as_object();
}

double timed_shell(Home &h, const json::object &args, std::string *containment = nullptr) {
  const auto t0 = Clock::now();
  const auto d = shell(h, args);
  const double ms = bench::millis_since(t0);
  if (containment != nullptr) *containment = std::string(d.at("containment").as_string());
  return ms;
}

// head -c BYTES /dev/zero | cat > /dev/null, both started here; ms until both exited.
double cat_pipe(std::uint64_t bytes) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) bench::die("pipe");
  const std::string count = std::to_string(bytes);
  const auto t0 = Clock::now();
  posix_spawn_file_actions_t head_fa, cat_fa;
  posix_spawn_file_actions_init(&head_fa);
  posix_spawn_file_actions_adddup2(&head_fa, p[1], 1);
  posix_spawn_file_actions_init(&cat_fa);
  posix_spawn_file_actions_adddup2(&cat_fa, p[0], 0);
  posix_spawn_file_actions_addopen(&cat_fa, 1, "/dev/null", O_WRONLY, 0);
  char *head_argv[] = {const_cast<char *>("/usr/bin/head"), const_cast<char *>("-c"), const_cast<char *>(count.c_str()),
                       const_cast<char *>("/dev/zero"), nullptr};
  char *cat_argv[] = {const_cast<char *>("/bin/cat"), nullptr};
  pid_t head = -1, cat = -1;
  if (::posix_spawn(&head, head_argv[0], &head_fa, nullptr, head_argv, environ) != 0) bench::die("spawn head");
  if (::posix_spawn(&cat, cat_argv[0], &cat_fa, nullptr, cat_argv, environ) != 0) bench::die("spawn cat");
  ::close(p[0]);
  ::close(p[1]);
  posix_spawn_file_actions_destroy(&head_fa);
  posix_spawn_file_actions_destroy(&cat_fa);
  ::waitpid(head, nullptr, 0);
  ::waitpid(cat, nullptr, 0);
  return bench::millis_since(t0);
}

int arg_int(int argc, char **argv, const char *flag, int fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == flag) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) bench::die("usage: bench_spawn_cost BUILD_DIR [--rounds N] [--runs N] [--deadlines N] [--mib N]");
  const fs::path build = argv[1];
  const int rounds = arg_int(argc, argv, "--rounds", 7), runs = arg_int(argc, argv, "--runs", 51);
  const int deadlines = arg_int(argc, argv, "--deadlines", 7), mib = arg_int(argc, argv, "--mib", 100);

  Home cg = open_home(build, "cgroup", "auto"), pg = open_home(build, "pgroup", "off");
  const json::object true_args{{"argv", {"/bin/true"}}};
  std::string cg_mode, pg_mode;
  for (int i = 0; i < 5; ++i) timed_shell(cg, true_args, &cg_mode), timed_shell(pg, true_args, &pg_mode);

  std::vector<double> cg_medians, pg_medians, floor_medians;
  for (int r = 0; r < rounds; ++r) {
    std::vector<double> a, b, f;
    for (int i = 0; i < runs; ++i) {
      a.push_back(timed_shell(cg, true_args));
      b.push_back(timed_shell(pg, true_args));
      const auto t0 = Clock::now();
      bench::spawn_wait({"/bin/true"});
      f.push_back(bench::millis_since(t0));
    }
    cg_medians.push_back(bench::median(a));
    pg_medians.push_back(bench::median(b));
    floor_medians.push_back(bench::median(f));
  }
  const double floor = bench::median(floor_medians);
  std::printf("(1) ShellExec /bin/true, %d rounds x %d runs, median of round medians\n", rounds, runs);
  std::printf("    posix_spawn + wait of /bin/true (floor): %.3f ms\n", floor);
  std::printf("    ShellExec, containment %-13s: %.3f ms  overhead %.3f ms (target <= 3 ms)\n", cg_mode.c_str(),
              bench::median(cg_medians), bench::median(cg_medians) - floor);
  std::printf("    ShellExec, containment %-13s: %.3f ms  overhead %.3f ms (target <= 3 ms)\n", pg_mode.c_str(),
              bench::median(pg_medians), bench::median(pg_medians) - floor);

  std::vector<double> late_cg, late_pg;
  const json::object sleep_args{{"argv", {"/bin/sleep", "30"}}, {"timeout_secs", 1}};
  for (int i = 0; i < deadlines; ++i) {
    late_cg.push_back(shell(cg, sleep_args).at("duration_ms").to_number<double>() - 1000.0);
    late_pg.push_back(shell(pg, sleep_args).at("duration_ms").to_number<double>() - 1000.0);
  }
  const auto lc = bench::stats(late_cg), lp = bench::stats(late_pg);
  std::printf("(2) deadline of 1 s, %d runs: lateness median %.2f ms, max %.2f ms (%s); median %.2f ms, max %.2f ms (%s) (target <= 50 ms)\n",
              deadlines, lc.median, *std::max_element(late_cg.begin(), late_cg.end()), cg_mode.c_str(), lp.median,
              *std::max_element(late_pg.begin(), late_pg.end()), pg_mode.c_str());

  const std::uint64_t bytes = static_cast<std::uint64_t>(mib) << 20;
  const json::object out_args{{"argv", {"/usr/bin/head", "-c", std::to_string(bytes), "/dev/zero"}}, {"max_output_bytes", 65536}};
  std::vector<double> shell_ms, cat_ms;
  for (int r = 0; r < rounds; ++r) {
    shell_ms.push_back(timed_shell(cg, out_args));
    cat_ms.push_back(cat_pipe(bytes));
  }
  const double mb = static_cast<double>(bytes) / 1e6;
  const double s_rate = mb / (bench::median(shell_ms) / 1000.0), c_rate = mb / (bench::median(cat_ms) / 1000.0);
  std::printf("(3) %d MiB of output, %d rounds: ShellExec %.0f MB/s (%.1f ms), head | cat %.0f MB/s (%.1f ms): %.2f x cat (target >= 0.5)\n",
              mib, rounds, s_rate, bench::median(shell_ms), c_rate, bench::median(cat_ms), s_rate / c_rate);
  fs::remove_all(cg.dir);
  fs::remove_all(pg.dir);
  return 0;
}
