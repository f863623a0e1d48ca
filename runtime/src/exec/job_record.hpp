// exec/job_record.hpp — what the journal holds of one job (DESIGN §4), and the guarantee that an
// accepted job ends there exactly once:
//
//   refused before execute:  job.rejected {capability, stage, dry_run, duration_ms, error[, guard]}
//   accepted:                job.started  {capability, plugin, plugin_version, dry_run, session,
//                                          deadline_ms, runner, telemetry, processes, args}
//                            job.note …   (from the plugin, through the host API)
//                            job.completed | job.failed | job.timed_out | job.cancelled
//                                         {capability, status, success, duration_ms, timing,
//                                          message, error, telemetry, processes, data}
//
// Every body is bounded (journal_bounds.hpp): a member that does not fit is cut and listed in
// "truncated". A JobRecord exists exactly while a job is started and not yet ended: its
// constructor journals job.started, end() the terminal event, and its destructor ends a job
// that never reached end() (an exception on the way) as failed — so no path out of the
// pipeline leaves a started job without its end, and none writes two.
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/job.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace runtimo::exec {

// Journals job.rejected for `result` (status rejected, stage and error set). On failure to
// write, result.error becomes the journal error (exit 4) and the job is still refused.
void journal_rejection(const Services &services, JobResult &result);

class JobRecord {
 public:
  // Journals job.started. Durable (fdatasync) before it returns, unless the job cannot change
  // the machine (a READ_ONLY capability or a dry run): then the terminal event's sync covers it;
  // or unless it changes the machine only through the host (RT_CAP_HOST_WRITES): then
  // job.start_not_durable is set and the first host call that changes something syncs it.
  // Throws (wal::JournalError, std::invalid_argument) when it cannot be written: then the job
  // has not started and nothing else may run.
  JobRecord(const Services &services, Job &job, const boost::json::value &args,
            const boost::json::value &telemetry_before, const boost::json::value &processes_before);
  ~JobRecord();
  JobRecord(const JobRecord &) = delete;
  JobRecord &operator=(const JobRecord &) = delete;

  // Journals the terminal event of `result` (durable) and sets result.wal_seq. Never throws:
  // if the event cannot be written as it is, a minimal job.failed is tried, and the result is
  // turned into a failure with a journal error — a job the journal does not show as completed
  // is never reported completed.
  void end(JobResult &result, const boost::json::object &timing) noexcept;

 private:
  const Services &services_;
  std::string job_id_;
  std::string capability_;
  bool ended_ = false;
};

}  // namespace runtimo::exec
