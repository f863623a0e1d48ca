// policy/process_policy.hpp — which processes a job may signal (host service check_process).
//
// Owns the protected set: pid 1 and 2, kernel threads, the runtime itself and every ancestor,
// its session leader and process-group leader, and processes whose cgroup path contains a
// configured protected unit as a whole path component (e.g. "sshd.service"). Refusal messages
// name only the pid asked about, never the protected set.
#pragma once

#include <runtimo/abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace runtimo::policy {

struct ProcessDecision {
  rt_status status = RT_OK;
  std::string message;
  std::string hint;
  bool ok() const { return status == RT_OK; }
};

class ProcessPolicy {
 public:
  explicit ProcessPolicy(std::vector<std::string> protected_units);
  // RT_OK (also for a pid that does not exist), RT_DENIED, or RT_INVALID_ARGS (pid <= 0 or
  // > INT32_MAX).
  ProcessDecision check(std::int64_t pid) const;

 private:
  std::vector<std::string> protected_units_;
};

}  // namespace runtimo::policy
