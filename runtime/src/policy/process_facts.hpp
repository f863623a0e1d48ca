// policy/process_facts.hpp — the few facts about one pid the process policy needs, read from
// /proc/<pid>/{stat,status,cgroup} (never a scan of /proc): parent, kernel-thread flag,
// thread-group id and cgroup membership. Parent and kernel-thread flag come from the snapshot
// provider's single-pid identity read; this file adds the Tgid and the cgroup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::policy {

struct ProcessFacts {
  std::int64_t ppid = 0;
  std::int64_t tgid = 0;       // the process a thread id belongs to (== pid for a process)
  bool kernel_thread = false;  // PF_KTHREAD in the flags field of /proc/<pid>/stat
};

// nullopt when the process does not exist (or its /proc entry cannot be read).
std::optional<ProcessFacts> read_process_facts(std::int64_t pid);

// The parent of `pid`, or nullopt when it cannot be read.
std::optional<std::int64_t> read_parent(std::int64_t pid);

// The text of /proc/<pid>/cgroup, or nullopt when it cannot be read.
std::optional<std::string> read_cgroup(std::int64_t pid);

// True when a cgroup path in `cgroup_text` (the /proc/<pid>/cgroup format, one
// "id:controllers:path" line per hierarchy) has a component exactly equal to one of `units`.
bool cgroup_has_unit(std::string_view cgroup_text, const std::vector<std::string> &units);

}  // namespace runtimo::policy
