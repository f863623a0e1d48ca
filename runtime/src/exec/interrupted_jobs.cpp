// exec/interrupted_jobs.cpp — see interrupted_jobs.hpp.
#include "exec/interrupted_jobs.hpp"

#include "exec/runner_lock.hpp"
#include "log/log.hpp"
#include "spawn/orphaned_commands.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"
#include "wal/journal_index.hpp"

#include <boost/json.hpp>

namespace runtimo::exec {

namespace {

std::string runner_id_of(const boost::json::object &runner) {
  const auto *id = runner.if_contains("id");
  return id != nullptr && id->is_string() ? std::string(id->get_string()) : std::string();
}

}  // namespace

std::size_t journal_interrupted_jobs(wal::JournalWriter &journal, wal::JournalIndex &index,
                                     const std::filesystem::path &home, std::string_view own_runner_id) {
  std::size_t journaled = 0;
  journal.under_lock([&](wal::AppendUnderLock &append) {
    index.catch_up();
    for (const wal::OpenJob &job : index.open_jobs()) {
      const std::string runner = runner_id_of(job.runner);
      if (!runner.empty() && runner == own_runner_id) continue;
      if (runner_alive(home, runner, job.job)) continue;
      // Commands the job started die with it: nothing a dead runtime ran keeps running.
      const std::size_t ended = spawn::end_orphaned_commands(job.job);
      boost::json::object body{
          {"capability", job.capability},
          {"runner", job.runner},
          {"started_seq", job.started_seq},
          {"reason", "the runner of the job ended before the job did; what the job did, if "
                     "anything, is unknown"}};
      if (ended > 0) body["ended_processes"] = ended;
      append.append(wal::event::interrupted, job.job, body, wal::Durability::durable);
      log::write(log::Level::warning, "journaled as interrupted: its runner is gone", job.job);
      ++journaled;
    }
  });
  return journaled;
}

}  // namespace runtimo::exec
