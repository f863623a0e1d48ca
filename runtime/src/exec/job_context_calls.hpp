// exec/job_context_calls.hpp — the context functions of rt_host_api (job id, session, dry-run,
// working directory, time left, cancelled), answered from the job a handle is lent for. Both
// the host's API and a worker's answer them locally, with these same functions.
#pragma once

#include <runtimo/abi.h>

namespace runtimo::exec::context {

rt_str job_id(const rt_job *handle);
rt_str session_id(const rt_job *handle);
int32_t dry_run(const rt_job *handle);
rt_str working_dir(const rt_job *handle);
int64_t remaining_ms(const rt_job *handle);
// A returned handle reads as cancelled, so a stray loop polling it stops.
int32_t cancelled(const rt_job *handle);

}  // namespace runtimo::exec::context
