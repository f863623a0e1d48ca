// exec/host_call_support.hpp — what every host service function shares: reading an rt_str,
// recording why a call failed on its job, refusing an execute-only call during validate,
// checking a path against the policy and the job's roots, and turning a policy decision into a
// status. One implementation, used by host_api.cpp (context, result, journal, snapshots,
// policy) and write_service.cpp (the write service).
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/abi.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace runtimo::policy {
struct PathDecision;
}

namespace runtimo::exec {

inline std::string_view view(rt_str s) {
  return s.ptr == nullptr ? std::string_view{} : std::string_view{s.ptr, s.len};
}

// Records why a call failed (the caller holds a JobAccess for `job`); text repaired to UTF-8.
void record_error(Job &job, rt_status status, std::string_view message, std::string_view hint);

// A call that belongs to execute, made during validate: refused with the reason.
rt_status refuse_in_validate(Job &job, const char *function);

// Before a host call changes the machine for `job`: its job.started, when appended lazily
// (RT_CAP_HOST_WRITES), is made durable first. Throws wal::JournalError.
void make_start_durable(Job &job);

// A path the policy allowed must also lie below one of the job's roots, when it has some (a
// client's roots narrow the policy, never widen it); records the refusal.
bool within_roots(Job &job, const std::string &resolved);

// check() of the job's path policy for `access`, then the roots. RT_OK with `resolved` set,
// or the refusal's status with its reason recorded.
rt_status check_job_path(Job &job, std::string_view path, std::uint32_t access, std::string &resolved);

// The answer of a policy decision (status, message, hint), recorded on the job when it refuses.
template <class Decision>
rt_status answer(Job &job, const Decision &d) {
  if (!d.ok()) record_error(job, d.status, d.message, d.hint);
  return d.status;
}

}  // namespace runtimo::exec
