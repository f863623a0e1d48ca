// spawn/orphaned_commands.hpp — ending what a command left running when the runtime that ran it
// died (SIGKILL, a crash, a power cut of the runtime alone): its job cgroup still holds it, or,
// in process-group containment, it was re-parented to init but still carries the job's
// RUNTIMO_SPAWN_ID=<id> marker. The next runtime that journals the job interrupted calls this,
// so nothing a dead runtime started outlives it for long.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace runtimo::spawn {

// SIGKILLs every process of job `id`'s commands that is still alive (the job cgroup's members,
// by cgroup.kill, and every process whose environment carries the marker), waits (up to 10 s)
// until they are gone, and removes the empty cgroup. Returns how many processes were ended.
// Never throws; a process it cannot see (another user's, with the marker cleared) is missed.
std::size_t end_orphaned_commands(std::string_view id);

// Removes the empty job cgroups (runtimo-job-*) under this runtime's cgroup parent that are older
// than `min_age` — those a detached command left when its runtime exited before it did. rmdir
// removes only an empty cgroup, and the age keeps a cgroup just made for a command about to
// start. Returns how many were (or, with dry_run, would be) removed. Never throws.
std::size_t remove_stale_job_cgroups(std::chrono::seconds min_age, bool dry_run);

}  // namespace runtimo::spawn
