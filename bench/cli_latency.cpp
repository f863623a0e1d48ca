// cli_latency.cpp — whole-command latency of `runtimo`, measured against a peer in the same run.
//
//   bench/bench_cli_latency BUILD_DIR [RUNS]
//
// Measures (median, p90 and min of RUNS, default 21, after 2 warm-ups):
//   * `runtimo list` with all shipped plugins loaded (target ≤ 15 ms);
//   * `runtimo run Kill {"pid":P}` on a fresh `sleep 60` that dies on SIGTERM, the whole command
//     until the process is gone (target ≤ 20 ms);
//   * the peer: what runtimo 0.1.5 does by construction to kill a process — `/bin/kill -TERM P`
//     followed by its fixed 500 ms wait before it checks — timed the same way;
//   * `/bin/kill -TERM P` alone, the floor of any command that starts a process to kill one;
//   * `runtimo run FileRead` of a 1 KiB file against `cat` of the same file, interleaved run by
//     run (target: ≤ 4 × cat, issue 7).
// Each runtimo command runs in a fresh home (durable journal, the default config), so the
// journal's fdatasyncs are included.
#include "bench_support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

extern char **environ;

namespace {

using Clock = std::chrono::steady_clock;

pid_t spawn_sleeper() {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sleep", "sleep", "60", static_cast<char *>(nullptr));
    _exit(127);
  }
  usleep(5000);  // let it exec
  return pid;
}

using bench::Stats;

Stats measure(int runs, const std::function<double()> &once) {
  for (int i = 0; i < 2; ++i) once();
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) ms.push_back(once());
  return bench::stats(std::move(ms));
}

double elapsed_ms(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void report(const char *name, const Stats &s, const char *target) {
  std::printf("%-44s median %8.2f ms   p90 %8.2f ms   min %8.2f ms   %s\n", name, s.median, s.p90,
              s.min, target);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BUILD_DIR [RUNS]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path build = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 21;
  const std::string runtimo = (build / "bin" / "runtimo").string();
  char tmpl[] = "/tmp/runtimo-bench-XXXXXX";
  const std::string home = std::string(mkdtemp(tmpl)) + "/home";

  const Stats list = measure(runs, [&] {
    const auto t0 = Clock::now();
    if (bench::spawn_wait({runtimo, "list", "--home", home}) != 0) std::abort();
    return elapsed_ms(t0);
  });

  const Stats kill_rt = measure(runs, [&] {
    const pid_t pid = spawn_sleeper();
    const auto t0 = Clock::now();
    const int rc = bench::spawn_wait({runtimo, "run", "Kill", "{\"pid\":" + std::to_string(pid) + "}",
                               "--home", home});
    const double ms = elapsed_ms(t0);
    int status = 0;
    waitpid(pid, &status, 0);
    if (rc != 0 || !WIFSIGNALED(status)) std::abort();
    return ms;
  });

  const Stats kill_peer = measure(std::min(runs, 7), [&] {
    const pid_t pid = spawn_sleeper();
    const auto t0 = Clock::now();
    bench::spawn_wait({"/bin/kill", "-TERM", std::to_string(pid)});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // upstream's fixed wait
    const double ms = elapsed_ms(t0);
    waitpid(pid, nullptr, 0);
    return ms;
  });

  const Stats kill_floor = measure(runs, [&] {
    const pid_t pid = spawn_sleeper();
    const auto t0 = Clock::now();
    bench::spawn_wait({"/bin/kill", "-TERM", std::to_string(pid)});
    const double ms = elapsed_ms(t0);
    waitpid(pid, nullptr, 0);
    return ms;
  });

  // FileRead of 1 KiB against cat of it, run by run, so both see the same machine.
  const std::string small = std::filesystem::path(home).parent_path() / "small.txt";
  {
    std::string text;
    for (int i = 0; text.size() < 1024; ++i) text += "line " + std::to_string(i) + " of a small file\n";
    text.resize(1024);
    std::FILE *f = std::fopen(small.c_str(), "w");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  const std::vector<std::string> read_cmd{runtimo, "run", "FileRead", "{\"path\":\"" + small + "\"}",
                                          "--home", home};
  std::vector<double> read_ms, cat_ms;
  for (int i = 0; i < runs + 2; ++i) {
    auto t0 = Clock::now();
    if (bench::spawn_wait({"/bin/cat", small}) != 0) std::abort();
    const double c = elapsed_ms(t0);
    t0 = Clock::now();
    if (bench::spawn_wait(read_cmd) != 0) std::abort();
    const double r = elapsed_ms(t0);
    if (i < 2) continue;
    cat_ms.push_back(c);
    read_ms.push_back(r);
  }
  const Stats read_rt = bench::stats(read_ms), cat_floor = bench::stats(cat_ms);

  report("runtimo list", list, "(target <= 15 ms)");
  report("runtimo run Kill (process gone)", kill_rt, "(target <= 20 ms)");
  report("peer: kill + upstream 0.1.5 fixed 500 ms wait", kill_peer, "(>= 500 ms by construction)");
  report("floor: /bin/kill -TERM alone", kill_floor, "");
  report("runtimo run FileRead (1 KiB file)", read_rt, "(target <= 4 x cat)");
  report("floor: cat of the same file", cat_floor, "");
  std::printf("FileRead / cat: %.2f x (medians)\n", read_rt.median / cat_floor.median);
  std::printf("{\"runs\":%d,\"list_ms\":%.2f,\"kill_ms\":%.2f,\"peer_kill_ms\":%.2f,\"bin_kill_ms\":%.2f,"
              "\"file_read_ms\":%.2f,\"cat_ms\":%.2f}\n",
              runs, list.median, kill_rt.median, kill_peer.median, kill_floor.median, read_rt.median,
              cat_floor.median);
  std::filesystem::remove_all(std::filesystem::path(home).parent_path());
  return 0;
}
