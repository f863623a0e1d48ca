// pipeline_overhead.cpp — what the pipeline costs around a job that does nothing, with full and
// with summary-only snapshots (issue 3: ≤ 5 ms and ≤ 1 ms, journal fsync excluded).
//
//   bench/bench_pipeline_overhead BUILD_DIR [JOBS] [PROCESSES]
//
// With PROCESSES, sleepers fill the machine up to that many processes first (the full mode's
// cost grows with the process count: it reads every /proc/<pid>/stat twice per job).
// Opens a Runtime in a fresh home with the journal's sync policy "never" (so fdatasync is
// excluded, as the target says) and runs the no-op `Echo` test plugin (test-plugins/good_c)
// JOBS times (default 201) after 5 warm-ups, once per snapshot mode. Prints, per mode, the
// median, p90 and min of Runtime::run's wall time (the pipeline's overhead, since Echo's execute
// takes microseconds), the median time spent in snapshots as the terminal event reports it,
// and how many processes the machine had.
#include "bench_support.hpp"

#include <runtimo/runtime.hpp>

#include <boost/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bench::Clock;

void measure(const fs::path &build, const char *mode, int jobs) {
  const fs::path dir = fs::temp_directory_path() / ("runtimo-bench-" + std::to_string(::getpid()) + "-" + mode);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "config.json") << R"({"journal":{"sync":"never"},"snapshots":{"mode":")" << mode
                                     << R"("},"log":{"level":"error"}})";
  runtimo::RuntimeOptions o;
  o.home = dir / "home";
  o.config_file = dir / "config.json";
  o.use_environment = false;
  o.load_build_plugins = false;
  o.extra_plugin_dirs.push_back(build / "test-plugins" / "good_c");
  auto rt = runtimo::Runtime::open(o);

  std::vector<double> wall, snapshots;
  for (int i = 0; i < jobs + 5; ++i) {
    const auto t0 = Clock::now();
    const runtimo::JobResult r = rt->run("Echo", R"({"text":"x"})");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!r.success) {
      std::fprintf(stderr, "Echo failed: %s\n", r.message.c_str());
      std::exit(1);
    }
    if (i < 5) continue;
    wall.push_back(ms);
    const auto done = rt->events(1, r.job_id);
    snapshots.push_back(done.at(0).at("timing").at("snapshots_ms").to_number<double>());
  }
  const bench::Stats w = bench::stats(wall), s = bench::stats(snapshots);
  std::printf("%-8s jobs=%d processes=%zu  run: median %.3f ms  p90 %.3f ms  min %.3f ms  "
              "(snapshots median %.3f ms)\n",
              mode, jobs, bench::count_processes(), w.median, w.p90, w.min, s.median);
  rt.reset();
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BUILD_DIR [JOBS] [PROCESSES]\n", argv[0]);
    return 2;
  }
  const fs::path build = fs::absolute(argv[1]);
  const int jobs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 201;
  bench::Sleepers sleepers;
  if (argc > 3) sleepers.spawn_until(static_cast<std::size_t>(std::max(1, std::atoi(argv[3]))));
  // A job's scans keep their stat files open only with room above descriptor 1024.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  std::printf("RLIMIT_NOFILE soft %llu: stat files %s between a job's scans\n",
              static_cast<unsigned long long>(files.rlim_cur),
              files.rlim_cur > 1088 ? "kept open" : "not kept (raise it with ulimit -n to keep them)");
  measure(build, "full", jobs);
  measure(build, "summary", jobs);
  return 0;
}
