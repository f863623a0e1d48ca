// exec/job_errors.hpp — the errors the pipeline itself reports, built in one place so each kind
// of problem reads the same wherever it happens, and the mapping from a plugin's rt_status.
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/abi.h>
#include <runtimo/job.hpp>

#include <string>
#include <string_view>

namespace runtimo::exec {

// RT_INVALID_ARGS → invalid_args, RT_DENIED → denied, … (anything unknown → internal).
ErrorKind kind_of(rt_status status);
// "INVALID_ARGS", "DENIED", … for messages.
std::string status_name(rt_status status);

// The error a plugin reported for `phase` ("validation", "execution"), or one that says it gave
// no reason.
JobError plugin_error(Job &job, rt_status status, std::string_view phase);

// The journal could not record something: `what` says what and why.
JobError journal_error(std::string what);

// The host failed while a job was running (an exception, an allocation failure).
JobError internal_error(std::string what);

}  // namespace runtimo::exec
