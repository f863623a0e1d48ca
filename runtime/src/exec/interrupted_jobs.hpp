// exec/interrupted_jobs.hpp — the end of jobs whose runner died (DESIGN §4): a started job
// without a terminal event, whose runner holds no lock (runner_lock.hpp), can never end by
// itself, so the next runner that opens the home journals it as job.interrupted.
//
// The decision and the append happen under the journal's append lock with the job index
// caught up to the end: while it is held nobody else can append, so a job that ended is never
// given a second end, and two runtimes opening the same home at once journal an interrupted
// job once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace runtimo::wal {
class JournalWriter;
class JournalIndex;
}  // namespace runtimo::wal

namespace runtimo::exec {

// Journals job.interrupted (durable) for every open job whose runner is gone — after ending
// what its commands left running (spawn/orphaned_commands.hpp; "ended_processes") — skipping
// `own_runner_id`'s. Returns how many. Throws wal::JournalError when the journal cannot be
// written.
std::size_t journal_interrupted_jobs(wal::JournalWriter &journal, wal::JournalIndex &index,
                                     const std::filesystem::path &home, std::string_view own_runner_id);

}  // namespace runtimo::exec
