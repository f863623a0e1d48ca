// spawn/detached_reaper.hpp — keep_reaping: looks after the processes a run left behind (with
// detach, or that could not be killed). The runtime is their subreaper, so as each exits it
// becomes a zombie of ours; a background thread scans such jobs every 250 ms, reaps their
// zombies, and removes the job's cgroup once it is empty, then forgets the job.
#pragma once

#include <memory>

#include "spawn/job_processes.hpp"

namespace runtimo::spawn {

void keep_reaping(std::unique_ptr<JobProcesses> job);

}  // namespace runtimo::spawn
