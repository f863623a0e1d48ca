// bench/wal_append.cpp — what the journal costs an append (DESIGN §4; see bench/README.md).
//
//   (a) peer baseline: one durable job as two raw write()+fdatasync() appends of a ~300-byte
//       line to a plain file — the least any durable job log can cost on this disk;
//   (b) one durable job through the journal: JournalWriter::append of a realistic
//       job.started and job.completed, both Durability::durable;
//   (c) lazy append cost (SyncPolicy::never) at journal sizes 10^3 .. 10^6 events: it must be
//       flat, since an append never reads the journal;
//   (d) group commit: 8 threads appending durable events through one writer.
//
// Usage: bench_wal_append [DIR] [--keep] [--runs N] [--max-events N]
// DIR (default: the current directory) gets a fresh bench-wal-XXXXXX directory, removed at the
// end unless --keep. Medians over --runs runs (default 7).
#include "bench_support.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace wal = runtimo::wal;
using Clock = std::chrono::steady_clock;
using bench::die;
using bench::median;
using bench::micros_since;

namespace {

// (a) Mean cost of one "job" = two synced appends, over `jobs` jobs.
double raw_job_us(const std::filesystem::path &file, int jobs) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) die("cannot open " + file.string() + ": " + std::strerror(errno));
  std::string line(299, 'x');
  line += '\n';
  auto append = [&] {
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) die("write");
    if (::fdatasync(fd) != 0) die("fdatasync");
  };
  auto start = Clock::now();
  for (int j = 0; j < jobs; ++j) {
    append();
    append();
  }
  double us = micros_since(start) / jobs;
  ::close(fd);
  return us;
}

boost::json::object started_body(int job) {
  return boost::json::object{
      {"tool", "fs.write"},
      {"caller",
       boost::json::object{
           {"session", "s-2026-11-28-0001"}, {"pid", 41234}, {"agent", "claude-code"}}},
      {"args", boost::json::object{{"path", "/home/user/src/project/runtime/src/exec/job_" +
                                                std::to_string(job) + ".cpp"},
                                   {"bytes", 18234},
                                   {"sha256", std::string(64, 'a')},
                                   {"mode", "replace"}}},
      {"policy",
       boost::json::object{{"decision", "allow"}, {"rule", "paths.write[0]: /home/user/src/**"}}},
      {"backup", boost::json::object{{"planned", true}, {"store", "backups/2026-11-28"}}},
      {"timeout_ms", 30000}};
}

boost::json::object completed_body() {
  return boost::json::object{
      {"status", "ok"},
      {"exit_code", 0},
      {"duration_ms", 12.625},
      {"result",
       boost::json::object{
           {"bytes_written", 18234}, {"sha256", std::string(64, 'b')}, {"created", false}}},
      {"output", boost::json::object{{"stdout", std::string(240, 'o')},
                                     {"stdout_bytes", 240},
                                     {"stderr", ""},
                                     {"truncated", false}}},
      {"backup", boost::json::object{{"id", "b-000001"}, {"sha256", std::string(64, 'c')}}},
      {"undo", boost::json::object{{"available", true}, {"kind", "restore_file"}}}};
}

// (b) Mean cost of one durable job through the journal, over `jobs` jobs.
double journal_job_us(wal::JournalWriter &writer, int jobs, int &job_counter) {
  auto completed = completed_body();
  auto start = Clock::now();
  for (int j = 0; j < jobs; ++j) {
    std::string id = "j-" + std::to_string(++job_counter);
    writer.append(wal::event::started, id, started_body(job_counter), wal::Durability::durable);
    writer.append(wal::event::completed, id, completed, wal::Durability::durable);
  }
  return micros_since(start) / jobs;
}

// (c) Mean lazy append cost over `count` appends.
double lazy_append_us(wal::JournalWriter &writer, int count, std::uint64_t &events) {
  boost::json::object body{
      {"tool", "proc.list"},
      {"status", "ok"},
      {"duration_ms", 3},
      {"result", boost::json::object{{"count", 212}, {"sha256", std::string(64, 'd')}}}};
  auto start = Clock::now();
  for (int i = 0; i < count; ++i)
    writer.append(wal::event::note, "j-fill", body, wal::Durability::lazy);
  events += static_cast<std::uint64_t>(count);
  return micros_since(start) / count;
}

void fill_to(wal::JournalWriter &writer, std::uint64_t target, std::uint64_t &events) {
  boost::json::object body{
      {"tool", "proc.list"},
      {"status", "ok"},
      {"duration_ms", 3},
      {"result", boost::json::object{{"count", 212}, {"sha256", std::string(64, 'd')}}}};
  for (; events < target; ++events) {
    writer.append(wal::event::note, "j-fill", body, wal::Durability::lazy);
  }
}

}  // namespace

int main(int argc, char **argv) {
  std::filesystem::path parent = std::filesystem::current_path();
  bool keep = false;
  int runs = 7;
  std::uint64_t max_events = 1000000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--keep") {
      keep = true;
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(5, std::atoi(argv[++i]));
    } else if (arg == "--max-events" && i + 1 < argc) {
      max_events = std::strtoull(argv[++i], nullptr, 10);
    } else if (!arg.empty() && arg[0] != '-') {
      parent = arg;
    } else {
      die("usage: bench_wal_append [DIR] [--keep] [--runs N] [--max-events N]");
    }
  }
  std::filesystem::create_directories(parent);
  std::string pattern = (parent / "bench-wal-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) die("cannot create a directory in " + parent.string());
  const std::filesystem::path base = pattern;

  // (a) and (b), interleaved run by run so that both see the same disk weather.
  const int jobs_per_run = 200;
  wal::JournalOptions durable_options;
  durable_options.dir = base / "durable";
  durable_options.sync = wal::SyncPolicy::durable;
  auto durable = wal::JournalWriter::open(durable_options);
  int job_counter = 0;
  raw_job_us(base / "warmup.jsonl", 20);
  journal_job_us(*durable, 20, job_counter);
  std::vector<double> raw_runs, journal_runs;
  for (int r = 0; r < runs; ++r) {
    raw_runs.push_back(raw_job_us(base / "raw.jsonl", jobs_per_run));
    journal_runs.push_back(journal_job_us(*durable, jobs_per_run, job_counter));
  }
  const double raw_us = median(raw_runs), journal_us = median(journal_runs);
  const double target_us = 1.2 * raw_us + 1000.0;

  // (c) lazy appends at growing journal sizes.
  wal::JournalOptions lazy_options;
  lazy_options.dir = base / "lazy";
  lazy_options.sync = wal::SyncPolicy::never;
  auto lazy = wal::JournalWriter::open(lazy_options);
  std::uint64_t events = 0;
  std::vector<std::pair<std::uint64_t, double>> lazy_us;
  for (std::uint64_t size = 1000; size <= max_events; size *= 10) {
    fill_to(*lazy, size, events);
    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) samples.push_back(lazy_append_us(*lazy, 1000, events));
    lazy_us.emplace_back(size, median(samples));
  }
  double lazy_min = 1e300, lazy_max = 0;
  for (auto &[size, us] : lazy_us) {
    lazy_min = std::min(lazy_min, us);
    lazy_max = std::max(lazy_max, us);
  }

  // (d) group commit: 8 threads, durable appends, one writer.
  wal::JournalOptions group_options;
  group_options.dir = base / "group";
  auto group = wal::JournalWriter::open(group_options);
  const int threads = 8, per_thread = 100;
  std::vector<double> group_runs;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int k = 0; k < per_thread; ++k) {
          group->append(wal::event::started, "j-t" + std::to_string(t), started_body(k),
                        wal::Durability::durable);
        }
      });
    }
    for (auto &thread : pool) thread.join();
    group_runs.push_back(micros_since(start) / (threads * per_thread));
  }
  const double group_us = median(group_runs);

  // Everything written must read back clean.
  for (const auto &dir : {durable_options.dir, lazy_options.dir, group_options.dir}) {
    auto report = wal::verify_journal(dir);
    if (!report.ok()) die("verify failed for " + dir.string());
  }
  std::uint64_t journal_bytes = 0;
  for (const auto &segment : wal::list_segments(lazy_options.dir)) {
    journal_bytes += std::filesystem::file_size(segment);
  }

  std::printf("wal_append: medians of %d runs, in %s\n", runs, base.c_str());
  std::printf("  (a) raw write+fdatasync x2 (300 B lines), per job   %10.1f us\n", raw_us);
  std::printf(
      "  (b) journal, 2 durable appends per job              %10.1f us   target <= 1.2*(a)+1ms = "
      "%.1f us: %s\n",
      journal_us, target_us, journal_us <= target_us ? "ok" : "MISSED");
  std::printf("      ratio (b)/(a)                                   %10.2f\n",
              journal_us / raw_us);
  for (auto &[size, us] : lazy_us) {
    std::printf("  (c) lazy append at %8llu events                  %10.2f us\n",
                static_cast<unsigned long long>(size), us);
  }
  std::printf(
      "      lazy max/min                                    %10.2f   (journal: %llu events, %.0f "
      "MB)\n",
      lazy_max / lazy_min, static_cast<unsigned long long>(events), journal_bytes / 1e6);
  std::printf("  (d) 8 threads, durable appends, per append          %10.1f us\n", group_us);

  boost::json::object lazy_json;
  for (auto &[size, us] : lazy_us) lazy_json[std::to_string(size)] = us;
  boost::json::object result{{"bench", "wal_append"},
                             {"runs", runs},
                             {"raw_job_us", raw_us},
                             {"journal_job_us", journal_us},
                             {"target_us", target_us},
                             {"target_met", journal_us <= target_us},
                             {"lazy_append_us", lazy_json},
                             {"lazy_max_over_min", lazy_max / lazy_min},
                             {"group_commit_8_threads_us_per_append", group_us}};
  std::printf("%s\n", boost::json::serialize(result).c_str());

  durable.reset();
  lazy.reset();
  group.reset();
  if (!keep) std::filesystem::remove_all(base);
  return 0;
}
