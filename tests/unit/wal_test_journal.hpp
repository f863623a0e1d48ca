// wal_test_journal.hpp — what the journal's unit tests (wal_*.cpp) share: writer options for
// tests, hand-made sealed lines, raw writes that bypass the writer (to damage, reorder or
// copy lines as a crash, a tool or a fuzzer would), and the seqs of read records.
#pragma once

#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace runtimo::wal::test {

// Never synced (tests do not need durability), rotated at `segment_bytes`.
inline JournalOptions lazy_options(const std::filesystem::path &dir,
                                   std::uint64_t segment_bytes = 64ull << 20) {
  JournalOptions options;
  options.dir = dir;
  options.segment_bytes = segment_bytes;
  options.sync = SyncPolicy::never;
  return options;
}

// A valid job.note line with `seq`, its '\n' included.
inline std::string sealed(std::uint64_t seq, const std::string &job = "j") {
  return seal_line(boost::json::object{{"seq", seq},
                                       {"ts", "2026-11-28T04:06:26.000000Z"},
                                       {"type", "job.note"},
                                       {"job", job}}) +
         "\n";
}

// Replaces the file with `bytes` (parents created).
inline void write_raw(const std::filesystem::path &path, const std::string &bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline void append_raw(const std::filesystem::path &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

inline std::vector<std::uint64_t> seqs_of(const std::vector<JournalRecord> &records) {
  std::vector<std::uint64_t> out;
  for (const auto &r : records) out.push_back(r.seq);
  return out;
}

// The seqs read_journal returns, its problems appended to `problems`.
inline std::vector<std::uint64_t> read_seqs(const std::filesystem::path &dir,
                                            std::vector<JournalProblem> &problems) {
  std::vector<std::uint64_t> out;
  read_journal(
      dir,
      [&](const JournalRecord &r) {
        out.push_back(r.seq);
        return true;
      },
      [&](const JournalProblem &p) { problems.push_back(p); });
  return out;
}

}  // namespace runtimo::wal::test
