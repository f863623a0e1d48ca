// exec/worker_process.hpp — the worker side of supervision (DESIGN §9): what a forked worker
// process runs, and the rt_host_api it hands to plugins.
//
// A worker serves "call" frames from the host: it runs one plugin function (validate or
// execute) with the job's context and arguments, then answers "done" with the status. Every
// host service the plugin uses is a request to the host over the channel and waits for its
// reply: the host, not the worker, records output and errors, journals notes, checks paths and
// opens files (the descriptor comes back over the channel). The context (job id, session,
// dry-run, working directory, deadline) is answered locally.
//
// What a worker guarantees the host:
//   * only the worker process itself talks on the channel: a process the plugin forked (or a
//     fork that returns from execute) never does — it is refused locally and, back in the
//     worker loop, ends with _exit(0), so a job never gets two answers;
//   * the worker is a child subreaper: whatever the plugin started and left running when the
//     call returns is killed and reaped before "done" (and counted in it);
//   * the worker holds no descriptor of the host but its channel and 0, 1, 2 (fd 1 is the
//     host's stderr), so a plugin cannot write to the journal or the host's real stdout.
#pragma once

#include "exec/worker_channel.hpp"
#include "plugin/plugin_registry.hpp"

#include <atomic>

namespace runtimo::exec {

// Runs in the forked child, never returns: prepares the process (process group, subreaper,
// descriptors), then serves calls until the channel closes.
// `cancel` lies in a page shared with the host: set while the current call's job is cancelled.
[[noreturn]] void run_worker(WorkerChannel channel, const plugin::PluginRegistry &registry,
                             const std::atomic<bool> *cancel);

}  // namespace runtimo::exec
