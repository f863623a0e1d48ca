// exec/host_call_support.cpp — see host_call_support.hpp.
#include "exec/host_call_support.hpp"

#include "log/log.hpp"
#include "wal/journal.hpp"
#include "policy/path_patterns.hpp"
#include "policy/path_policy.hpp"
#include "util/utf8.hpp"

#include <mutex>

namespace runtimo::exec {

void record_error(Job &job, rt_status status, std::string_view message, std::string_view hint) {
  std::string m = util::repair_utf8(message);
  std::string h = util::repair_utf8(hint);
  std::lock_guard lock(job.mutex);
  job.error_status = (status <= RT_OK || status > RT_INTERNAL) ? RT_INTERNAL : status;
  job.error_message = std::move(m);
  job.error_hint = std::move(h);
}

void make_start_durable(Job &job) {
  if (job.start_not_durable.exchange(false)) job.services->journal->make_durable();
}

rt_status refuse_in_validate(Job &job, const char *function) {
  const std::string message = std::string(function) +
                              " may only be called from execute(); validate() must not change the "
                              "machine, report output or journal anything";
  log::write(log::Level::warning, message, job.id, job.capability->plugin_name);
  record_error(job, RT_INVALID_ARGS, message, {});
  return RT_INVALID_ARGS;
}

bool within_roots(Job &job, const std::string &resolved) {
  if (job.roots == nullptr || job.roots->empty()) return true;
  std::string listed;
  for (const auto &root : *job.roots) {
    if (policy::is_within(resolved, root.string())) return true;
    listed += (listed.empty() ? "" : ", ") + root.string();
  }
  record_error(job, RT_DENIED, resolved + " is outside the roots this job may use: " + listed,
               "the client that asked gave these roots; use a path below one of them");
  return false;
}

rt_status check_job_path(Job &job, std::string_view path, std::uint32_t access, std::string &resolved) {
  const auto d = job.services->paths->check(path, access, job.working_dir);
  if (!d.ok()) return answer(job, d);
  if (!within_roots(job, d.resolved)) return RT_DENIED;
  resolved = d.resolved;
  return RT_OK;
}

}  // namespace runtimo::exec
