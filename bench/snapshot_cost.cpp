// bench/snapshot_cost.cpp — what the snapshot provider costs on a busy machine (DESIGN §5,
// issue 3 "Speed"; see bench/README.md).
//
//   1. fills the machine up to --processes processes (default 400) with sleepers
//      (fork + exec /bin/sleep 300; they die with the bench: PR_SET_PDEATHSIG, and are killed
//      and reaped at the end);
//   2. full process snapshot (cmdline, user names): median cost of --runs captures (default
//      21), total and per process — target ≤ 20 µs per process — on one thread (a job's
//      snapshots) and with the second reading thread on-demand scans use; also the snapshot with
//      its JSON (to_json(true) + serialize), the summary alone, and the cost a capture records;
//   3. full telemetry capture (every section): median of --runs — target ≤ 2 ms; and the
//      guard's read_pressure();
//   4. the peer in the same run: `ps -eo pid,ppid,user,stat,rss,vsz,time,lstart,args` spawned
//      with its output to /dev/null and waited for, median of --ps-runs (default 11).
//   5. the kernel's floor for the same scan: open/read/close of every /proc/<pid>/stat and
//      /proc/<pid>/cmdline with nothing parsed or kept — what any /proc reader pays here.
// Prints a table and one JSON line.
//
// Usage: bench_snapshot_cost [--processes N] [--runs N] [--ps-runs N]
#include "bench_support.hpp"
#include "snapshot/process_snapshot.hpp"
#include "snapshot/telemetry.hpp"

#include <boost/json.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern char **environ;

namespace snap = runtimo::snapshot;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using bench::count_processes;
using bench::die;
using bench::median;
using bench::micros_since;
using bench::Sleepers;

namespace {

// The raw syscalls of a scan: every <pid>/stat and <pid>/cmdline opened, read once, closed.
double floor_once(bool cmdline) {
  const auto start = Clock::now();
  DIR *d = ::opendir("/proc");
  if (d == nullptr) die("cannot open /proc");
  const int dir_fd = ::dirfd(d);
  char buf[2048];
  char path[sizeof(dirent::d_name) + 16];
  while (const dirent *e = ::readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    for (const char *file : {"/stat", "/cmdline"}) {
      if (!cmdline && file[1] == 'c') break;
      std::snprintf(path, sizeof path, "%s%s", e->d_name, file);
      const int fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      if (::read(fd, buf, file[1] == 's' ? sizeof buf : 256) < 0) {
      }
      ::close(fd);
    }
  }
  ::closedir(d);
  return micros_since(start);
}

// Runs `ps -eo …` with stdout and stderr on /dev/null; its wall time in µs.
double ps_once(const char *ps) {
  const auto start = Clock::now();
  if (bench::spawn_wait({ps, "-eo", "pid,ppid,user,stat,rss,vsz,time,lstart,args"}) != 0)
    die("ps failed");
  return micros_since(start);
}

int arg_value(int argc, char **argv, const char *name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char **argv) {
  const int target = arg_value(argc, argv, "--processes", 400);
  const int runs = std::max(15, arg_value(argc, argv, "--runs", 21));
  const int ps_runs = std::max(10, arg_value(argc, argv, "--ps-runs", 11));
  const char *ps = ::access("/usr/bin/ps", X_OK) == 0 ? "/usr/bin/ps" : "/bin/ps";

  Sleepers sleepers;
  sleepers.spawn_until(static_cast<std::size_t>(target));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let them exec and settle

  snap::ProcessSampler processes;
  processes.capture();  // warm: user-name cache, btime, first CPU sample
  std::vector<double> snap_us, per_process_us, recorded_us, json_us, summary_us, two_us;
  snap::ProcessSnapshotOptions two_threads;
  two_threads.threads = 2;
  std::size_t scanned = 0;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    const snap::ProcessSnapshot s = processes.capture();
    const double us = micros_since(start);
    snap_us.push_back(us);
    recorded_us.push_back(static_cast<double>(s.cost_us));
    scanned = s.processes.size();
    per_process_us.push_back(us / static_cast<double>(scanned));

    start = Clock::now();
    processes.capture(two_threads);
    two_us.push_back(micros_since(start));

    start = Clock::now();
    const snap::ProcessSnapshot s2 = processes.capture();
    const std::string text = json::serialize(s2.to_json(true));
    json_us.push_back(micros_since(start));

    start = Clock::now();
    snap::ProcessSnapshotOptions brief;
    brief.cmdline = false;
    const json::object summary = processes.capture(brief).summary();
    summary_us.push_back(micros_since(start));
    if (text.empty() || summary.empty()) die("empty snapshot");
  }

  std::vector<double> floor_us, floor_stat_us, stat_only_us;
  for (int i = 0; i < runs; ++i) {
    floor_us.push_back(floor_once(true));
    floor_stat_us.push_back(floor_once(false));
    snap::ProcessSnapshotOptions bare;
    bare.cmdline = false;
    bare.users = false;
    const auto start = Clock::now();
    processes.capture(bare);
    stat_only_us.push_back(micros_since(start));
  }

  snap::TelemetrySampler telemetry;
  snap::TelemetryOptions all;
  all.disk_paths = {"/tmp", "/var"};
  telemetry.capture(all);  // warm: CPU model, boot id, NVML lookup
  std::vector<double> telemetry_us, pressure_us;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    const json::object t = telemetry.capture(all);
    telemetry_us.push_back(micros_since(start));
    if (!t.contains("capture")) die("empty telemetry");
    start = Clock::now();
    const snap::SystemPressure p = snap::read_pressure("/tmp");
    pressure_us.push_back(micros_since(start));
    if (p.mem_available_pct < 0) die("no meminfo");
  }

  std::vector<double> ps_us;
  ps_once(ps);  // warm the page cache for ps and its libraries
  for (int i = 0; i < ps_runs; ++i) ps_us.push_back(ps_once(ps));

  const double snap_med = median(snap_us), per_med = median(per_process_us);
  const double json_med = median(json_us), summary_med = median(summary_us);
  const double two_med = median(two_us);
  const double tel_med = median(telemetry_us), pressure_med = median(pressure_us);
  const double ps_med = median(ps_us);
  const double floor_med = median(floor_us), floor_stat_med = median(floor_stat_us);
  const double stat_only_med = median(stat_only_us);
  const double n = static_cast<double>(scanned);
  const long ncpu = ::sysconf(_SC_NPROCESSORS_ONLN);

  std::printf("snapshot_cost: %zu processes (%zu sleepers spawned), %ld CPUs, %d runs (ps: %d)\n",
              scanned, sleepers.size(), ncpu, runs, ps_runs);
  std::printf("  %-50s %12s  %s\n", "measure (median)", "value", "target");
  std::printf("  %-50s %9.0f us\n", "process snapshot, full (cmdline + users)", snap_med);
  std::printf("  %-50s %9.2f us  <= 20 us\n", "  per process", per_med);
  std::printf("  %-50s %9.0f us\n", "  cost the snapshot records (cost_us)", median(recorded_us));
  std::printf("  %-50s %9.0f us\n", "process snapshot, full, two reading threads", two_med);
  std::printf("  %-50s %9.2f us  <= 20 us\n", "  per process", two_med / static_cast<double>(scanned));
  std::printf("  %-50s %9.0f us\n", "process snapshot + to_json(true) + serialize", json_med);
  std::printf("  %-50s %9.0f us\n", "process snapshot, no cmdline, + summary()", summary_med);
  std::printf("  %-50s %9.0f us (%.2f us/process)\n", "process snapshot, no cmdline, no users",
              stat_only_med, stat_only_med / n);
  std::printf("  %-50s %9.0f us (%.2f us/process)\n", "kernel floor: open/read/close stat+cmdline",
              floor_med, floor_med / n);
  std::printf("  %-50s %9.0f us (%.2f us/process)\n", "kernel floor: open/read/close stat only",
              floor_stat_med, floor_stat_med / n);
  std::printf("  %-50s %9.0f us  <= 2000 us\n", "telemetry capture, every section", tel_med);
  std::printf("  %-50s %9.1f us\n", "read_pressure (guard)", pressure_med);
  std::printf("  %-50s %9.0f us\n", "peer: ps -eo pid,ppid,user,stat,rss,vsz,time,lstart,args",
              ps_med);
  std::printf("  %-50s %9.1f x\n", "ps / full snapshot", ps_med / snap_med);
  std::printf("  %-50s %9.1f x\n", "ps / snapshot with JSON", ps_med / json_med);

  const json::object line{{"bench", "snapshot_cost"},
                          {"processes", scanned},
                          {"cpus", ncpu},
                          {"runs", runs},
                          {"ps_runs", ps_runs},
                          {"process_snapshot_us", snap_med},
                          {"per_process_us", per_med},
                          {"recorded_cost_us", median(recorded_us)},
                          {"two_threads_us", two_med},
                          {"two_threads_per_process_us", two_med / static_cast<double>(scanned)},
                          {"process_snapshot_json_us", json_med},
                          {"process_summary_us", summary_med},
                          {"process_snapshot_bare_us", stat_only_med},
                          {"floor_stat_cmdline_us", floor_med},
                          {"floor_stat_us", floor_stat_med},
                          {"telemetry_us", tel_med},
                          {"read_pressure_us", pressure_med},
                          {"ps_us", ps_med},
                          {"ps_over_snapshot", ps_med / snap_med},
                          {"ps_over_snapshot_json", ps_med / json_med}};
  std::printf("%s\n", json::serialize(line).c_str());
  return 0;
}
