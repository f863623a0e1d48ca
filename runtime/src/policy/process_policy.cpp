// policy/process_policy.cpp — see process_policy.hpp. The protected set is computed on every
// call (a handful of /proc reads): the runtime's ancestors, session and process group can
// change while it runs, and a cached set would go stale. A thread id is judged by the
// process it belongs to, since a signal to any thread id reaches the whole process. Every
// refusal has the same wording whatever the reason, and a pid that does not exist is simply
// allowed, so the answers reveal nothing about the machine's processes.
#include "policy/process_policy.hpp"

#include "policy/process_facts.hpp"

#include <unistd.h>

#include <climits>
#include <unordered_set>

namespace runtimo::policy {
namespace {

constexpr std::int64_t kInit = 1;
constexpr std::int64_t kKthreadd = 2;
constexpr int kMaxAncestry = 4096;  // bounds the walk should /proc ever report a cycle

// The runtime itself, every ancestor up to init, its session leader and process group.
std::unordered_set<std::int64_t> runtime_lineage() {
  std::unordered_set<std::int64_t> out{::getpid(), ::getsid(0), ::getpgrp(), ::getppid()};
  std::int64_t pid = ::getppid();
  for (int i = 0; i < kMaxAncestry && pid > kInit; ++i) {
    out.insert(pid);
    const auto parent = read_parent(pid);
    if (!parent) break;
    pid = *parent;
  }
  return out;
}

ProcessDecision denied(std::int64_t pid) {
  ProcessDecision d;
  d.status = RT_DENIED;
  d.message = "PID " + std::to_string(pid) + " is protected: Runtimo does not signal it";
  d.hint =
      "choose a process your work started; system processes and Runtimo's own are never "
      "signalled";
  return d;
}

}  // namespace

ProcessPolicy::ProcessPolicy(std::vector<std::string> protected_units)
    : protected_units_(std::move(protected_units)) {}

ProcessDecision ProcessPolicy::check(std::int64_t pid) const {
  if (pid <= 0 || pid > INT32_MAX) {
    ProcessDecision d;
    d.status = RT_INVALID_ARGS;
    d.message = "pid " + std::to_string(pid) + " is not a valid process id";
    d.hint = "use a pid between 1 and " + std::to_string(INT32_MAX);
    return d;
  }
  if (pid == kInit || pid == kKthreadd) return denied(pid);
  const std::unordered_set<std::int64_t> lineage = runtime_lineage();
  if (lineage.contains(pid)) return denied(pid);

  const auto facts = read_process_facts(pid);
  if (!facts) return {};  // no such process: nothing to protect, nothing revealed
  if (facts->kernel_thread || facts->ppid == kKthreadd) return denied(pid);
  const std::int64_t process = facts->tgid;
  if (process != pid) {
    if (process == kInit || process == kKthreadd || lineage.contains(process)) return denied(pid);
  }
  if (!protected_units_.empty()) {
    const auto cgroup = read_cgroup(pid);
    if (cgroup && cgroup_has_unit(*cgroup, protected_units_)) return denied(pid);
  }
  return {};
}

}  // namespace runtimo::policy
