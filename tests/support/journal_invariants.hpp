// journal_invariants.hpp — the journal's promise about jobs (DESIGN §4), checked on a home:
// every job.started has exactly one terminal event, nothing of a job comes after its terminal
// event but a job.undone (no note, no second end), a rejected job is one job.rejected and nothing else, and seqs
// are never given twice. Returns what is violated, one line per problem (empty when none).
#pragma once

#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace runtimo::test {

struct JobEvents {
  std::vector<std::string> types;  // in journal order
};

inline std::map<std::string, JobEvents> events_by_job(const std::filesystem::path &wal_dir) {
  std::map<std::string, JobEvents> jobs;
  wal::read_journal(wal_dir, [&](const wal::JournalRecord &r) {
    const auto &job = r.event.at("job").as_string();
    if (!job.empty()) jobs[std::string(job)].types.emplace_back(r.event.at("type").as_string());
    return true;
  });
  return jobs;
}

inline std::vector<std::string> journal_violations(const std::filesystem::path &wal_dir) {
  std::vector<std::string> problems;
  std::set<std::uint64_t> seqs;
  wal::read_journal(
      wal_dir,
      [&](const wal::JournalRecord &r) {
        if (!seqs.insert(r.seq).second) problems.push_back("seq " + std::to_string(r.seq) + " given twice");
        return true;
      },
      [&](const wal::JournalProblem &p) {
        problems.push_back(p.segment.filename().string() + ":" + std::to_string(p.line) + ": " + p.what);
      });
  for (const auto &[job, e] : events_by_job(wal_dir)) {
    std::string all;
    for (const auto &t : e.types) all += (all.empty() ? "" : " ") + t;
    if (e.types.front() == wal::event::rejected) {
      if (e.types.size() != 1) problems.push_back(job + ": a rejected job has more events: " + all);
      continue;
    }
    if (job.empty()) continue;  // session.* events belong to no job
    if (e.types.front() != wal::event::started) {
      problems.push_back(job + ": does not begin with job.started: " + all);
      continue;
    }
    std::size_t ends = 0;
    for (std::size_t i = 0; i < e.types.size(); ++i) {
      if (!wal::event::is_terminal(e.types[i])) continue;
      ++ends;
      // Only job.undone (a later job took this one back) may follow the end.
      for (std::size_t j = i + 1; j < e.types.size(); ++j)
        if (e.types[j] != wal::event::undone) problems.push_back(job + ": events after its end: " + all);
    }
    if (ends != 1) problems.push_back(job + ": " + std::to_string(ends) + " terminal events: " + all);
  }
  return problems;
}

}  // namespace runtimo::test
