// exec/job_context_calls.cpp — see job_context_calls.hpp.
#include "exec/job_context_calls.hpp"

#include "exec/job_handles.hpp"

#include <algorithm>
#include <chrono>

namespace runtimo::exec::context {
namespace {

rt_str str(const std::string &s) { return rt_str{s.c_str(), s.size()}; }

int64_t remaining_of(const Job &job) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      job.deadline - std::chrono::steady_clock::now());
  return std::max<int64_t>(0, left.count());
}

}  // namespace

rt_str job_id(const rt_job *handle) {
  JobAccess job(handle);
  return job ? str(job->id) : rt_str{"", 0};
}
rt_str session_id(const rt_job *handle) {
  JobAccess job(handle);
  return job ? str(job->session) : rt_str{"", 0};
}
int32_t dry_run(const rt_job *handle) {
  JobAccess job(handle);
  return job && job->dry_run ? 1 : 0;
}
rt_str working_dir(const rt_job *handle) {
  JobAccess job(handle);
  return job ? str(job->working_dir) : rt_str{"", 0};
}
int64_t remaining_ms(const rt_job *handle) {
  JobAccess job(handle);
  return job ? remaining_of(*job) : 0;
}
int32_t cancelled(const rt_job *handle) {
  JobAccess job(handle);
  return !job || remaining_of(*job) == 0 || job->cancelled() ? 1 : 0;
}

}  // namespace runtimo::exec::context
