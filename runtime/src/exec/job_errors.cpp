// exec/job_errors.cpp — see job_errors.hpp.
#include "exec/job_errors.hpp"

#include <mutex>

namespace runtimo::exec {

ErrorKind kind_of(rt_status status) {
  switch (status) {
    case RT_INVALID_ARGS: return ErrorKind::invalid_args;
    case RT_DENIED: return ErrorKind::denied;
    case RT_NOT_FOUND: return ErrorKind::not_found;
    case RT_FAILED: return ErrorKind::failed;
    case RT_TIMEOUT: return ErrorKind::timeout;
    case RT_CANCELLED: return ErrorKind::cancelled;
    default: return ErrorKind::internal;
  }
}

std::string status_name(rt_status status) {
  switch (status) {
    case RT_OK: return "OK";
    case RT_INVALID_ARGS: return "INVALID_ARGS";
    case RT_DENIED: return "DENIED";
    case RT_NOT_FOUND: return "NOT_FOUND";
    case RT_FAILED: return "FAILED";
    case RT_TIMEOUT: return "TIMEOUT";
    case RT_CANCELLED: return "CANCELLED";
    case RT_INTERNAL: return "INTERNAL";
    default: return "status " + std::to_string(status);
  }
}

JobError plugin_error(Job &job, rt_status status, std::string_view phase) {
  JobError e;
  e.kind = kind_of(status);
  {
    std::lock_guard lock(job.mutex);
    e.message = job.error_message;
    e.hint = job.error_hint;
  }
  if (e.message.empty())
    e.message = "capability " + job.capability->name + " " + std::string(phase) +
                " failed with status " + status_name(status) + " and gave no reason";
  if (e.kind == ErrorKind::invalid_args) e.remedy = Remedy::fix_arguments;
  return e;
}

JobError journal_error(std::string what) {
  JobError e;
  e.kind = ErrorKind::journal;
  e.message = std::move(what);
  e.hint = "check the free space and the permissions of the Runtimo home";
  e.remedy = Remedy::check_home;
  return e;
}

JobError internal_error(std::string what) {
  JobError e;
  e.kind = ErrorKind::internal;
  e.message = std::move(what);
  return e;
}

}  // namespace runtimo::exec
