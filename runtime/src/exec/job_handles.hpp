// exec/job_handles.hpp — the rt_job handles plugins receive, and the guarantee that a handle
// cannot outlive its plugin call.
//
// A handle is not a pointer: it encodes a slot of a process-wide table and the generation the
// slot had when the handle was lent. The host lends a handle for exactly one plugin call
// (validate or execute) and takes it back when the call returns; taking it back waits for host
// calls in flight on it (shared lock in, exclusive lock out) and bumps the generation, so every
// later use — from a thread the plugin left running, or a copy it kept — finds a stale handle
// and is refused. Nothing reaches a Job after its handle is closed, so no note can follow the
// job's terminal event, and NULL or forged handles are refused the same way. Slots are never
// freed, only reused under a new generation.
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/abi.h>


namespace runtimo::exec {

// Lends `job` to one plugin call.
rt_job *open_job_handle(Job &job);
// Takes the handle back: waits for the host calls in flight on it; later lookups fail.
void close_job_handle(rt_job *handle);

// RAII: opens a handle for `job` and closes it when the plugin call is over.
class LentJob {
 public:
  explicit LentJob(Job &job) : handle_(open_job_handle(job)) {}
  ~LentJob() { close_job_handle(handle_); }
  LentJob(const LentJob &) = delete;
  LentJob &operator=(const LentJob &) = delete;
  rt_job *handle() const { return handle_; }

 private:
  rt_job *handle_;
};

// The job behind a handle for the duration of one host call, or null when the handle is NULL,
// forged or no longer lent. Holds the handle open (shared) while it lives.
class JobAccess {
 public:
  explicit JobAccess(const rt_job *handle);
  ~JobAccess();
  JobAccess(const JobAccess &) = delete;
  JobAccess &operator=(const JobAccess &) = delete;
  Job *get() const { return job_; }
  Job *operator->() const { return job_; }
  Job &operator*() const { return *job_; }
  explicit operator bool() const { return job_ != nullptr; }

 private:
  void *slot_ = nullptr;  // the table's slot, locked shared while this lives
  Job *job_ = nullptr;
};

}  // namespace runtimo::exec
