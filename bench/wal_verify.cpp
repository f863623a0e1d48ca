// bench/wal_verify.cpp — `wal verify` against `cat` on the same segments (DESIGN §4; see
// bench/README.md, "wal_verify").
//
// Builds a journal of --events events (default 10^6, ~300-byte lines), warms the page cache,
// then alternates run by run: verify_journal(dir) in this process, and `/bin/cat <segments>`
// spawned with stdout on /dev/null and waited for — the floor of reading those bytes. Prints
// both medians, their throughput and the ratio. Target: verify >= 1/3 of cat's throughput.
//
// Usage: bench_wal_verify [DIR] [--keep] [--runs N] [--events N]
#include "wal_bench_journal.hpp"

namespace wal = runtimo::wal;
using bench::Clock;
using bench::die;

int main(int argc, char **argv) {
  const auto args = bench::parse_journal_bench_args(argc, argv, "bench_wal_verify", 7);
  const int runs = args.runs;
  const std::uint64_t events = args.events;
  const auto base = bench::fresh_directory(args.parent, "bench-wal-verify");
  const auto dir = base / "wal";
  bench::fill_journal(dir, events);
  const std::uint64_t bytes = bench::journal_bytes(dir);
  std::vector<std::string> cat{"/bin/cat"};
  for (const auto &segment : wal::list_segments(dir)) cat.push_back(segment.string());

  // Warm the page cache with both readers, and check the journal once.
  if (bench::spawn_wait(cat) != 0) die("cat failed");
  auto report = wal::verify_journal(dir);
  if (!report.ok() || report.lines != events) die("the journal does not verify clean");

  std::vector<double> verify_ms, cat_ms;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    auto checked = wal::verify_journal(dir);
    verify_ms.push_back(bench::millis_since(start));
    if (checked.lines != events) die("verify saw a different journal");
    start = Clock::now();
    if (bench::spawn_wait(cat) != 0) die("cat failed");
    cat_ms.push_back(bench::millis_since(start));
  }
  const double verify = bench::median(verify_ms), floor = bench::median(cat_ms);
  const double mb = static_cast<double>(bytes) / 1e6;
  const double ratio = floor / verify;  // verify's throughput as a fraction of cat's
  std::printf("wal_verify: %llu events, %.0f MB in %zu segments, medians of %d interleaved runs\n",
              static_cast<unsigned long long>(events), mb, cat.size() - 1, runs);
  std::printf("  verify_journal   %9.1f ms   %7.0f MB/s\n", verify, mb / verify * 1e3);
  std::printf("  cat > /dev/null  %9.1f ms   %7.0f MB/s\n", floor, mb / floor * 1e3);
  std::printf("  verify / cat throughput   %.2f   (target >= 0.33: %s)\n", ratio,
              ratio >= 1.0 / 3 ? "met" : "MISSED");
  boost::json::object result{{"bench", "wal_verify"},
                             {"events", events},
                             {"bytes", bytes},
                             {"runs", runs},
                             {"verify_ms", verify},
                             {"cat_ms", floor},
                             {"throughput_ratio", ratio},
                             {"target_met", ratio >= 1.0 / 3}};
  std::printf("%s\n", boost::json::serialize(result).c_str());
  if (!args.keep) std::filesystem::remove_all(base);
  return 0;
}
