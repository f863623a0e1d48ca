// spawn/process_log.cpp — ProcessLog (see the header).
#include "spawn/process_log.hpp"

namespace runtimo::spawn {

void ProcessLog::note(const ProcStat &process) {
  const auto key = std::make_pair(std::int64_t{process.pid}, process.start_ticks);
  if (const auto seen = index_.find(key); seen != index_.end()) {
    // First seen between fork and exec (still the shell's copy): what it became says more.
    auto &entry = processes_[seen->second];
    if (entry.comm != process.comm) {
      entry.comm = process.comm;
      entry.cmdline = read_cmdline(process.pid);
    }
    return;
  }
  index_[key] = processes_.size();
  SpawnedProcess entry;
  entry.pid = process.pid;
  entry.ppid = process.ppid;
  entry.comm = process.comm;
  entry.cmdline = read_cmdline(process.pid);
  processes_.push_back(std::move(entry));
}

std::vector<SpawnedProcess> ProcessLog::mark_running(const std::vector<ProcStat> &running) {
  std::vector<SpawnedProcess> leftovers;
  for (const auto &process : running) {
    note(process);
    auto &entry = processes_[index_[{process.pid, process.start_ticks}]];
    entry.running_at_end = true;
    leftovers.push_back(entry);
  }
  return leftovers;
}

}  // namespace runtimo::spawn
