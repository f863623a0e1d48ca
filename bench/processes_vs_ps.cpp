// processes_vs_ps.cpp — `runtimo processes --json` as a whole command against `ps` listing the
// same facts, on a machine with at least 400 processes, in the same run.
//
//   bench/bench_processes_vs_ps BUILD_DIR [RUNS] [--processes N]
//
// Fills the machine with `sleep 300` children up to N processes (default 400; counted in /proc,
// topped up before every timed pair; they die with the bench), then alternates, RUNS times
// (default 21, after 2 warm-ups each):
//   * `runtimo processes --json --home H` (one temporary home, created by the first run);
//   * the peer `ps -eo pid,ppid,user,stat,rss,vsz,time,lstart,args`;
// each spawned with stdout and stderr on /dev/null and timed from spawn to reap. Prints median,
// p90 and min of both, the ratio of the medians (target: ps ≥ 3 × runtimo), and, to tell where
// runtimo's time goes, the same timing of two reference commands of the same binary:
//   * `runtimo --version`: exec, dynamic linking and static initialisation, nothing opened;
//   * `runtimo processes --json --pid 1 --home H`: everything but serialising the full list
//     (the runtime opened, every process scanned, one process printed).
// Before timing, one `runtimo processes --json` is captured and checked: it must list at least
// as many processes as the bench spawned sleepers.
#include "bench_support.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

extern char **environ;

namespace {

using bench::Clock;
using bench::Stats;

// Milliseconds from spawn to reap; dies when the command fails.
double timed(const std::vector<std::string> &argv) {
  const auto t0 = Clock::now();
  const int rc = bench::spawn_wait(argv);
  const double ms = bench::millis_since(t0);
  if (rc != 0) bench::die(argv[0] + " exited with " + std::to_string(rc));
  return ms;
}

void report(const char *name, const Stats &s) {
  std::printf("%-46s median %7.2f ms   p90 %7.2f ms   min %7.2f ms\n", name, s.median, s.p90,
              s.min);
}

// The first existing `ps` on the usual paths (the peer is the system's procps).
std::string find_ps() {
  for (const char *p : {"/usr/bin/ps", "/bin/ps"})
    if (::access(p, X_OK) == 0) return p;
  bench::die("ps not found in /usr/bin or /bin");
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<std::string> positional;
  std::size_t want_processes = 400;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--processes" && i + 1 < argc)
      want_processes = std::strtoul(argv[++i], nullptr, 10);
    else
      positional.push_back(a);
  }
  if (positional.empty()) {
    std::fprintf(stderr, "usage: %s BUILD_DIR [RUNS] [--processes N]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path build = positional[0];
  const int runs = positional.size() > 1 ? std::atoi(positional[1].c_str()) : 21;
  if (runs < 1) bench::die("RUNS must be at least 1");
  const std::string runtimo = (build / "bin" / "runtimo").string();
  if (::access(runtimo.c_str(), X_OK) != 0) bench::die(runtimo + " is not an executable");
  const std::string ps = find_ps();
  char tmpl[] = "/tmp/runtimo-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) bench::die("mkdtemp failed");
  const std::filesystem::path dir = tmpl;
  const std::string home = (dir / "home").string();

  bench::Sleepers sleepers;
  sleepers.spawn_until(want_processes);
  ::usleep(200 * 1000);  // let the last sleepers finish exec (their cmdline is then "sleep 300")
  const std::size_t processes_before = bench::count_processes();

  const std::vector<std::string> rt_cmd{runtimo, "processes", "--json", "--home", home};
  const std::vector<std::string> ps_cmd{ps, "-eo", "pid,ppid,user,stat,rss,vsz,time,lstart,args"};
  const std::vector<std::string> version_cmd{runtimo, "--version"};
  const std::vector<std::string> one_cmd{runtimo, "processes", "--json", "--pid",
                                         "1",     "--home",    home};

  // What runtimo printed must be the whole machine (a broken command is fast, too).
  std::string listing;
  if (bench::spawn_wait(rt_cmd, &listing) != 0) bench::die("runtimo processes --json failed");
  const auto listed = boost::json::parse(listing).at("processes").as_array().size();
  if (listed < sleepers.size())
    bench::die("runtimo listed only " + std::to_string(listed) + " processes");

  for (int i = 0; i < 2; ++i) {
    timed(rt_cmd);
    timed(ps_cmd);
  }
  std::vector<double> rt_ms, ps_ms, version_ms, one_ms;
  std::size_t fewest = processes_before, most = processes_before;
  for (int i = 0; i < runs; ++i) {
    // Processes of others come and go during the run: top up to the count before each pair.
    sleepers.spawn_until(want_processes);
    const std::size_t now = bench::count_processes();
    fewest = std::min(fewest, now);
    most = std::max(most, now);
    // Alternate, so both see the same machine (load, caches, process count) over the run.
    rt_ms.push_back(timed(rt_cmd));
    ps_ms.push_back(timed(ps_cmd));
  }
  for (int i = 0; i < runs; ++i) {
    version_ms.push_back(timed(version_cmd));
    one_ms.push_back(timed(one_cmd));
  }
  const std::size_t processes_after = bench::count_processes();

  const Stats rt = bench::stats(rt_ms), peer = bench::stats(ps_ms);
  const Stats version = bench::stats(version_ms), one = bench::stats(one_ms);
  const double ratio = rt.median > 0 ? peer.median / rt.median : 0;
  std::printf(
      "processes on the machine: %zu at the start, %zu..%zu during the timed pairs, %zu at "
      "the end (%zu sleepers spawned); runtimo listed %zu; %d runs each, alternating\n",
      processes_before, fewest, most, processes_after, sleepers.size(), listed, runs);
  report("runtimo processes --json", rt);
  report("ps -eo pid,ppid,user,stat,rss,vsz,time,lstart,args", peer);
  std::printf("ps / runtimo (medians): %.2f x   (target >= 3: %s)\n", ratio,
              ratio >= 3 ? "met" : "MISSED");
  std::printf("where runtimo's time goes:\n");
  report("  runtimo --version (exec + linking only)", version);
  report("  runtimo processes --json --pid 1", one);
  std::printf(
      "{\"bench\":\"processes_vs_ps\",\"runs\":%d,\"processes\":%zu,\"fewest\":%zu,\"listed\":%zu,"
      "\"runtimo_ms\":%.3f,\"ps_ms\":%.3f,\"ratio\":%.3f,\"target_met\":%s,"
      "\"version_ms\":%.3f,\"pid1_ms\":%.3f}\n",
      runs, processes_before, fewest, listed, rt.median, peer.median, ratio,
      ratio >= 3 ? "true" : "false", version.median, one.median);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
