// supervision_overhead.cpp — what running plugin code in a supervised worker costs (issue 8:
// ≤ 1 ms per job against in-process on the same machine; a reused worker ≤ 0.2 ms).
//
//   bench/bench_supervision_overhead BUILD_DIR [JOBS] [RUNS]
//
// Two measurements, each against the same job run in process, interleaved run by run:
//   * embedded: one Runtime runs the no-op `Echo` (test-plugins/good_c) JOBS times (after 5
//     warm-ups) with its plugin in a reused worker, and another Runtime with the plugin
//     configured "isolation": "in_process"; medians of Runtime::run (journal sync "never", so
//     the difference is the supervision, not the disk);
//   * CLI: `runtimo run Echo` as a whole command RUNS times each way — the worker is forked for
//     the command's one job, which is what a `runtimo run` pays.
#include "bench_support.hpp"

#include <runtimo/runtime.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using bench::Clock;

std::unique_ptr<runtimo::Runtime> open_runtime(const fs::path &dir, const fs::path &build, bool in_process) {
  fs::create_directories(dir);
  std::ofstream(dir / "config.json")
      << R"({"journal":{"sync":"never"},"guard":{"enabled":false},"log":{"level":"error"})"
      << (in_process ? R"(,"plugins":{"good_c":{"isolation":"in_process"}}})" : "}");
  runtimo::RuntimeOptions o;
  o.home = dir / "home";
  o.config_file = dir / "config.json";
  o.use_environment = false;
  o.load_build_plugins = false;
  o.extra_plugin_dirs.push_back(build / "test-plugins" / "good_c");
  return runtimo::Runtime::open(o);
}

double run_once(runtimo::Runtime &rt) {
  const auto t0 = Clock::now();
  const runtimo::JobResult r = rt.run("Echo", R"({"text":"x"})");
  const double ms = bench::millis_since(t0);
  if (!r.success) bench::die("Echo failed: " + r.message);
  return ms;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BUILD_DIR [JOBS] [RUNS]\n", argv[0]);
    return 2;
  }
  const fs::path build = fs::absolute(argv[1]);
  const int jobs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 201;
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 21;
  const fs::path root = fs::temp_directory_path() / ("runtimo-bench-supervision-" + std::to_string(::getpid()));
  fs::remove_all(root);

  auto worker = open_runtime(root / "worker", build, false);
  auto host = open_runtime(root / "host", build, true);
  std::vector<double> worker_ms, host_ms;
  for (int i = 0; i < jobs + 5; ++i) {
    const double w = run_once(*worker), h = run_once(*host);
    if (i < 5) continue;
    worker_ms.push_back(w);
    host_ms.push_back(h);
  }
  const bench::Stats w = bench::stats(worker_ms), h = bench::stats(host_ms);
  worker.reset();
  host.reset();

  const std::string runtimo = (build / "bin" / "runtimo").string();
  const auto cli = [&](const char *mode) {
    const fs::path dir = root / (std::string("cli-") + mode);
    fs::create_directories(dir);
    std::ofstream(dir / "config.json")
        << R"({"guard":{"enabled":false})"
        << (std::string(mode) == "host" ? R"(,"plugins":{"good_c":{"isolation":"in_process"}}})" : "}");
    return std::vector<std::string>{runtimo, "run", "Echo", R"({"text":"x"})", "--home", (dir / "home").string(),
                                    "--config", (dir / "config.json").string(), "--plugin-dir",
                                    (build / "test-plugins" / "good_c").string()};
  };
  const auto cli_worker = cli("worker"), cli_host = cli("host");
  std::vector<double> cw, ch;
  for (int i = 0; i < runs + 2; ++i) {
    auto t0 = Clock::now();
    if (bench::spawn_wait(cli_worker) != 0) bench::die("runtimo run Echo (worker) failed");
    const double a = bench::millis_since(t0);
    t0 = Clock::now();
    if (bench::spawn_wait(cli_host) != 0) bench::die("runtimo run Echo (in process) failed");
    const double b = bench::millis_since(t0);
    if (i < 2) continue;
    cw.push_back(a);
    ch.push_back(b);
  }
  const bench::Stats a = bench::stats(cw), b = bench::stats(ch);
  fs::remove_all(root);

  std::printf("embedded, reused worker   median %.3f ms  p90 %.3f ms  min %.3f ms\n", w.median, w.p90, w.min);
  std::printf("embedded, in process      median %.3f ms  p90 %.3f ms  min %.3f ms\n", h.median, h.p90, h.min);
  std::printf("  reused worker overhead  %.3f ms per job (target <= 0.2 ms)\n", w.median - h.median);
  std::printf("CLI, worker per command   median %.3f ms  p90 %.3f ms  min %.3f ms\n", a.median, a.p90, a.min);
  std::printf("CLI, in process           median %.3f ms  p90 %.3f ms  min %.3f ms\n", b.median, b.p90, b.min);
  std::printf("  forked worker overhead  %.3f ms per job (target <= 1 ms)\n", a.median - b.median);
  std::printf("{\"bench\":\"supervision_overhead\",\"reused_worker_ms\":%.4f,\"in_process_ms\":%.4f,"
              "\"cli_worker_ms\":%.4f,\"cli_in_process_ms\":%.4f}\n",
              w.median, h.median, a.median, b.median);
  return 0;
}
