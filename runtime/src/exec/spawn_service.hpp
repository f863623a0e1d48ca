// exec/spawn_service.hpp — the host's spawn service (rt_host_api.spawn, ABI 1.4): the one way a
// plugin runs a command. The request is planned and checked (spawn_plan.hpp), the declared
// write-set backed up through the write service, the command run contained and to its
// deadline (spawn/process_runner.hpp), its output passed on as progress, and the result —
// exit, output, processes, leftovers, what changed under the write-set — handed back as JSON.
#pragma once

#include <runtimo/abi.h>

namespace runtimo::exec::spawn_service {

rt_status spawn(rt_job *job, rt_str request_json, uint32_t flags, rt_str *result_json);

}  // namespace runtimo::exec::spawn_service
