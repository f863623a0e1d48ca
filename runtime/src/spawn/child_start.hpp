// spawn/child_start.hpp — start_child: fork, and in the child set up and execve one command.
// Everything the child needs (argv, envp, the cwd, the descriptors) is prepared by the caller
// in a ChildPlan before the fork, because the runtime is multi-threaded: between fork and exec
// the child may only make async-signal-safe calls — no allocation, no locks. The child reports
// a failure before exec (which step, errno) through a close-on-exec pipe; the parent reads it
// before returning, so a command that could not start is told apart from one that ran.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace runtimo::spawn {

struct ChildPlan {
  std::string executable;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd;
  // The child's ends, all >= 3 and close-on-exec in the parent; dup2'ed to 0, 1 and 2.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int cgroup_procs_fd = -1;  // >= 0: write "0" to join the job cgroup first
};

enum class ChildStep { join_cgroup, new_session, redirect, chdir, exec };

struct ChildStartFailure {
  ChildStep step;
  int error;  // errno in the child
};

struct StartedChild {
  pid_t pid = -1;
  std::optional<ChildStartFailure> failure;  // set: the child has exited and been reaped
};

// Forks and execs; throws std::system_error when the runner cannot (pipe, fork).
StartedChild start_child(const ChildPlan &plan);

// "execve /usr/bin/nope: No such file or directory", "chdir /gone: ...", ...
std::string describe(const ChildStartFailure &failure, const ChildPlan &plan);

}  // namespace runtimo::spawn
