// wal/journal_index.hpp — the job index: where each job's events are in the journal, the
// highest seq, and the jobs started without a terminal event (DESIGN §4; FORMAT.md, "The job
// index"). It makes `status JOB`, `logs --job JOB` and a writer's open cost milliseconds at
// 10^6 events instead of a scan of the journal.
//
// The journal stays the only truth: the index is derived from it, rebuilt from it when
// missing or stale, and never trusted over it — every event a lookup returns is re-read from
// its segment and its line checked (CRC, seq, job) first; a record that does not match makes
// the index rebuild. The index never modifies the journal and is never fsync'ed (a crash can
// lose it; it is rebuilt).
//
// Thread-safety: one JournalIndex per thread (or external locking). Several processes may use
// one index directory at once: catch-ups are serialised by a lock file in it.
#pragma once

#include "wal/journal.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::wal {

// A job.started without a terminal event (wal::event::is_terminal), as of the last catch-up.
struct OpenJob {
  std::string job;
  std::uint64_t started_seq = 0;
  std::string capability;      // job.started's "capability" member ("" when absent)
  boost::json::object runner;  // job.started's "runner" member ({} when absent)
};

// What the last catch_up did (diagnostics and tests).
struct CatchUpReport {
  bool rebuilt = false;        // the index was rebuilt from the whole journal
  std::string rebuild_reason;  // why ("no index yet", "segment wal-… was replaced", …)
  std::uint64_t lines_read = 0;
};

class JournalIndex {
 public:
  // Opens (creating it, mode 0700) the index in `index_dir` for the journal in `wal_dir` and
  // catches it up, rebuilding it when missing or stale. Never modifies the journal; a missing
  // journal indexes as empty. Throws JournalError.
  static std::unique_ptr<JournalIndex> open(const std::filesystem::path &wal_dir,
                                            const std::filesystem::path &index_dir);
  ~JournalIndex();

  // Indexes everything appended since the last catch-up (of any process): reads only the new
  // lines when the index is current; rebuilds when it is stale.
  void catch_up();

  // Every event of `job`, oldest first (journal order), as of the last catch-up: each line
  // re-read and checked. The same events read_journal returns for that job.
  std::vector<JournalRecord> job_events(std::string_view job);

  // Jobs started and not ended, by started seq, as of the last catch-up.
  std::vector<OpenJob> open_jobs() const;

  // The highest seq of any line of the journal (damaged lines' parsable seqs too), as of the
  // last catch-up.
  std::uint64_t max_seq() const;

  const CatchUpReport &last_catch_up() const;

  struct Impl;

 private:
  explicit JournalIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runtimo::wal
