// exec/spawn_plan.hpp — a spawn request (rt_host_api.spawn, its JSON) turned into what will run,
// every part checked: the argv, the executable found on the child's PATH and refused when the
// deny-list names it, the working directory through the read policy and the job's roots, the
// environment built from the config's allow-list plus the request's additions (nothing else
// of the runtime's is inherited), stdin, the deadline within the job's own, the output caps,
// and the declared write-set checked by the write policy. Nothing runs and nothing is backed
// up here: a dry run reports the plan as it is.
#pragma once

#include "exec/job_context.hpp"

#include <runtimo/abi.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::exec {

struct SpawnPlan {
  std::string executable;             // absolute, as found (symlinks not resolved)
  std::string resolved_executable;    // with symlinks resolved (what the deny-list also sees)
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::string> env;       // NAME=value, sorted by name
  std::vector<std::string> env_names;
  std::optional<std::string> stdin_data;
  std::chrono::milliseconds timeout{0};
  std::uint64_t max_output_bytes = 0;
  bool detach = false;
  std::vector<std::string> writes;    // resolved, checked for writing
  std::string deny_reason;            // empty when the deny-list allows it
};

// A request the plan refuses: the status, what was wrong and how to fix it.
struct SpawnRefusal {
  rt_status status;
  std::string message;
  std::string hint;
};

// Throws SpawnRefusal for a malformed request, a program that cannot be found or executed, a
// cwd or write path the policy refuses. A denied program is not thrown: deny_reason says it.
SpawnPlan plan_spawn(Job &job, const boost::json::object &request);

// The plan as the result of a dry run reports it.
boost::json::object to_json(const SpawnPlan &plan);

}  // namespace runtimo::exec
