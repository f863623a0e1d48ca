// bench/wal_bench_journal.hpp — what the journal benches share: their command line
// ([DIR] [--keep] [--runs N] [--events N]), a fresh bench directory and a realistic journal of
// N events (~300-byte lines, jobs of four events: job.started with a
// capability and a runner, two notes, job.completed), written through JournalWriter.
#pragma once

#include "bench_support.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace bench {

// Job ids as the runtime makes them: 32 hex digits (deterministic here).
inline std::string job_id(std::uint64_t k) {
  char id[40];
  std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(k * 2654435761u),
                static_cast<unsigned long long>(k));
  return id;
}

struct JournalBenchArgs {
  std::filesystem::path parent = std::filesystem::current_path();  // DIR
  bool keep = false;
  int runs = 0;
  std::uint64_t events = 1000000;  // a multiple of 4
};

inline JournalBenchArgs parse_journal_bench_args(int argc, char **argv, const std::string &name,
                                                 int default_runs) {
  JournalBenchArgs args;
  args.runs = default_runs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--keep") {
      args.keep = true;
    } else if (arg == "--runs" && i + 1 < argc) {
      args.runs = std::max(3, std::atoi(argv[++i]));
    } else if (arg == "--events" && i + 1 < argc) {
      args.events = std::strtoull(argv[++i], nullptr, 10) / 4 * 4;
    } else if (!arg.empty() && arg[0] != '-') {
      args.parent = arg;
    } else {
      die("usage: " + name + " [DIR] [--keep] [--runs N] [--events N]");
    }
  }
  return args;
}

// A fresh <parent>/<prefix>-XXXXXX directory.
inline std::filesystem::path fresh_directory(const std::filesystem::path &parent,
                                             const std::string &prefix) {
  std::filesystem::create_directories(parent);
  std::string pattern = (parent / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) die("cannot create a directory in " + parent.string());
  return pattern;
}

// Appends `events` events (a multiple of 4) to the journal in `dir`, jobs numbered from 0.
inline void fill_journal(const std::filesystem::path &dir, std::uint64_t events) {
  namespace wal = runtimo::wal;
  wal::JournalOptions options;
  options.dir = dir;
  options.sync = wal::SyncPolicy::never;
  auto writer = wal::JournalWriter::open(options);
  const boost::json::object started{
      {"capability", "fs.write"},
      {"runner", boost::json::object{{"pid", 41234}, {"start_time", 1795838786}}},
      {"args", boost::json::object{{"path", "/home/user/src/project/runtime/src/exec/job.cpp"},
                                   {"bytes", 18234}}}};
  const boost::json::object note{
      {"message", "backup stored: /home/user/src/project/runtime/src/exec/job.cpp"},
      {"sha256", std::string(64, 'a')},
      {"bytes", 18234}};
  const boost::json::object completed{
      {"status", "ok"},
      {"duration_ms", 12.625},
      {"result", boost::json::object{{"bytes_written", 18234}, {"sha256", std::string(64, 'b')}}}};
  for (std::uint64_t k = 0; k < events / 4; ++k) {
    const std::string id = job_id(k);
    writer->append(wal::event::started, id, started, wal::Durability::lazy);
    writer->append(wal::event::note, id, note, wal::Durability::lazy);
    writer->append(wal::event::note, id, note, wal::Durability::lazy);
    writer->append(wal::event::completed, id, completed, wal::Durability::lazy);
  }
}

inline std::uint64_t journal_bytes(const std::filesystem::path &dir) {
  std::uint64_t bytes = 0;
  for (const auto &segment : runtimo::wal::list_segments(dir)) {
    bytes += std::filesystem::file_size(segment);
  }
  return bytes;
}

}  // namespace bench
