// spawn/child_start.hpp — start_child: create the child process, and in it set up and execve
// one command. Everything the child needs (argv, envp, the cwd, the descriptors) is prepared by
// the caller in a ChildPlan before the child exists, because the runtime is multi-threaded:
// between the clone and exec the child may only make async-signal-safe calls — no allocation,
// no locks. The child reports a failure before exec (which step, errno) through a close-on-exec
// pipe; the parent reads it before returning, so a command that could not start is told apart
// from one that ran.
//
// With a job cgroup the child is created inside it (clone3 with CLONE_INTO_CGROUP, Linux 5.7):
// it never runs a single instruction elsewhere, and no task has to be migrated — a write to
// cgroup.procs takes the cgroup threadgroup lock for writing, which waits for an RCU grace
// period (~10 ms). Only where the kernel has no clone3 or no CLONE_INTO_CGROUP (ENOSYS,
// EINVAL, E2BIG) does it fork and have the child join by writing "0" to cgroup.procs.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace runtimo::spawn {

using util::UniqueFd;

struct ChildPlan {
  std::string executable;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd;
  // The child's ends, all >= 3 and close-on-exec in the parent; dup2'ed to 0, 1 and 2.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int cgroup_fd = -1;  // >= 0: the job cgroup's directory (O_RDONLY), the child starts in it
};

enum class ChildStep { join_cgroup, new_session, redirect, chdir, exec };

struct ChildStartFailure {
  ChildStep step;
  int error;  // errno in the child (or of clone3, for a cgroup it refused: then no child)
};

struct StartedChild {
  pid_t pid = -1;  // -1 only with a join_cgroup failure of clone3 (no child was made)
  UniqueFd pidfd;  // from clone3 (CLONE_PIDFD) or pidfd_open; invalid on an old kernel
  std::optional<ChildStartFailure> failure;  // set: the child has exited and been reaped
};

// Starts the child and waits until it has exec'd or failed; throws std::system_error when the
// runner cannot (pipe, fork, clone3 out of memory or processes).
StartedChild start_child(const ChildPlan &plan);

// "execve /usr/bin/nope: No such file or directory", "chdir /gone: ...", ...
std::string describe(const ChildStartFailure &failure, const ChildPlan &plan);

}  // namespace runtimo::spawn
