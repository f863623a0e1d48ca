// bench/wal_index.cpp — what the job index costs and saves (DESIGN §4; see bench/README.md,
// "wal_index"), on a journal of --events events (default 10^6, ~300-byte lines, jobs of 4):
//
//   (a) `status JOB` lookup, first: no index yet — JournalIndex::open (a full rebuild) and
//       job_events(JOB);
//   (b) `status JOB` lookup, warm: JournalIndex::open (index current) and job_events(JOB), as
//       a fresh `runtimo status JOB` process does it;
//   (c) peer, same run: tail_journal(dir, 0, JOB), the scan status did without the index;
//   (d) catch-up of a few events: 3 events appended, then JournalIndex::open (a fresh
//       process's open), and catch_up() on an index already open;
//   (e) JournalWriter::open with index_dir (index current) and without (scans every segment
//       for the highest seq).
// Medians of --runs interleaved runs (a, c: 5 by default; others 21); page cache warm.
//
// Usage: bench_wal_index [DIR] [--keep] [--runs N] [--events N]
#include "wal/journal_index.hpp"
#include "wal_bench_journal.hpp"

namespace wal = runtimo::wal;
using bench::Clock;
using bench::die;

namespace {

double lookup_ms(const std::filesystem::path &dir, const std::filesystem::path &index_dir,
                 const std::string &job) {
  auto start = Clock::now();
  auto events = wal::JournalIndex::open(dir, index_dir)->job_events(job);
  double ms = bench::millis_since(start);
  if (events.size() != 4) die("the index found " + std::to_string(events.size()) + " events");
  return ms;
}

}  // namespace

int main(int argc, char **argv) {
  const auto args = bench::parse_journal_bench_args(argc, argv, "bench_wal_index", 5);
  const int runs = args.runs;
  const std::uint64_t events = args.events;
  const auto base = bench::fresh_directory(args.parent, "bench-wal-index");
  const auto dir = base / "wal", index_dir = base / "index";
  bench::fill_journal(dir, events);
  const std::uint64_t jobs = events / 4;
  auto job = [&](int r) {
    return bench::job_id((static_cast<std::uint64_t>(r) * 7919 + jobs / 2) % jobs);
  };
  wal::verify_journal(dir);  // warm the page cache

  // (a) and (c), interleaved.
  std::vector<double> first_ms, scan_ms;
  for (int r = 0; r < runs; ++r) {
    std::filesystem::remove_all(index_dir);
    first_ms.push_back(lookup_ms(dir, index_dir, job(r)));
    auto start = Clock::now();
    auto scanned = wal::tail_journal(dir, 0, job(r));
    scan_ms.push_back(bench::millis_since(start));
    if (scanned.size() != 4) die("tail_journal found " + std::to_string(scanned.size()));
  }
  // (b) warm lookups.
  const int warm_runs = std::max(21, runs);
  std::vector<double> warm_ms;
  for (int r = 0; r < warm_runs; ++r) warm_ms.push_back(lookup_ms(dir, index_dir, job(r)));

  // (d) a few events appended, then caught up — by a fresh open, and by an open index.
  wal::JournalOptions options;
  options.dir = dir;
  options.sync = wal::SyncPolicy::never;
  auto writer = wal::JournalWriter::open(options);
  auto live = wal::JournalIndex::open(dir, index_dir);
  auto append_three = [&] {
    for (int k = 0; k < 3; ++k)
      writer->append(wal::event::note, job(k), {{"k", k}}, wal::Durability::lazy);
  };
  std::vector<double> open_catch_up_us, live_catch_up_us, idle_open_us;
  for (int r = 0; r < warm_runs; ++r) {
    append_three();
    auto start = Clock::now();
    auto fresh = wal::JournalIndex::open(dir, index_dir);
    open_catch_up_us.push_back(bench::micros_since(start));
    if (fresh->last_catch_up().rebuilt || fresh->last_catch_up().lines_read != 3)
      die("not a catch-up");
    start = Clock::now();
    auto idle = wal::JournalIndex::open(dir, index_dir);
    idle_open_us.push_back(bench::micros_since(start));
    append_three();
    start = Clock::now();
    live->catch_up();
    live_catch_up_us.push_back(bench::micros_since(start));
    fresh->catch_up();  // keeps the index current for the next run's fresh open
  }
  writer.reset();

  // (e) opening a writer.
  std::vector<double> indexed_open_ms, scanning_open_ms;
  for (int r = 0; r < runs; ++r) {
    options.index_dir = index_dir;
    auto start = Clock::now();
    wal::JournalWriter::open(options);
    indexed_open_ms.push_back(bench::millis_since(start));
    options.index_dir.clear();
    start = Clock::now();
    wal::JournalWriter::open(options);
    scanning_open_ms.push_back(bench::millis_since(start));
  }

  const double first = bench::median(first_ms), warm = bench::median(warm_ms),
               scan = bench::median(scan_ms), open_cu = bench::median(open_catch_up_us),
               live_cu = bench::median(live_catch_up_us), idle = bench::median(idle_open_us),
               w_index = bench::median(indexed_open_ms), w_scan = bench::median(scanning_open_ms);
  std::printf("wal_index: %llu events (%.0f MB), medians of %d / %d runs\n",
              static_cast<unsigned long long>(events), bench::journal_bytes(dir) / 1e6, runs,
              warm_runs);
  std::printf("  (a) status JOB, first (index rebuilt)        %9.1f ms\n", first);
  std::printf("  (b) status JOB, warm (open + job_events)     %9.3f ms   target <= 50 ms: %s\n",
              warm, warm <= 50 ? "met" : "MISSED");
  std::printf("  (c) peer: tail_journal(dir, 0, JOB) scan     %9.1f ms\n", scan);
  std::printf("  (d) 3 new events: fresh open + catch-up      %9.1f us   target <= ~100 us: %s\n",
              open_cu, open_cu <= 100 ? "met" : "MISSED");
  std::printf("      3 new events: catch_up() of an open index %8.1f us\n", live_cu);
  std::printf("      nothing new: fresh open                  %9.1f us\n", idle);
  std::printf("  (e) JournalWriter::open with the index       %9.3f ms\n", w_index);
  std::printf("      JournalWriter::open scanning segments    %9.1f ms\n", w_scan);
  boost::json::object result{{"bench", "wal_index"},
                             {"events", events},
                             {"status_first_ms", first},
                             {"status_warm_ms", warm},
                             {"tail_scan_ms", scan},
                             {"catch_up_3_fresh_open_us", open_cu},
                             {"catch_up_3_live_us", live_cu},
                             {"open_nothing_new_us", idle},
                             {"writer_open_indexed_ms", w_index},
                             {"writer_open_scanning_ms", w_scan}};
  std::printf("%s\n", boost::json::serialize(result).c_str());
  if (!args.keep) std::filesystem::remove_all(base);
  return 0;
}
