// server/mcp_server.hpp — `runtimo mcp`: a Model Context Protocol server over stdio
// (newline-delimited JSON-RPC 2.0), built on the embedding API: every tool call is a job of
// the one pipeline — validated, journaled, supervised.
//
// Owns the protocol: initialize (version negotiation), ping, tools/list and tools/call,
// resources, the client's roots (which narrow the paths of its jobs), progress notifications
// for calls that asked for them (at the start, on each note and output of the job, and every
// few seconds), cancellation (notifications/cancelled cancels the job), and the JSON-RPC
// errors (-32700 not JSON, -32600 not a request — and lines over the limit, which are read to
// their end and dropped —, -32601 unknown method, -32602 unknown tool), and tasks (a call sent
// with `task` is answered at once with a task whose id is its job's id; see mcp_tasks.hpp).
// Calls run on a pool of at most `max_concurrent_calls` workers, never on the thread that
// reads, so a slow one never holds up ping or another call; the end of input ends the server once the calls under way have ended (and
// been journaled), whether or not anyone still reads their answers; a stop (SIGTERM, which
// clients send a server that does not exit) cancels them first.
#pragma once

#include <runtimo/runtime.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>

namespace runtimo::server {

struct McpOptions {
  std::size_t max_line_bytes = 16u << 20;     // config mcp.max_line_bytes
  std::size_t max_concurrent_calls = 4;       // config mcp.max_concurrent_calls
  std::chrono::milliseconds progress_interval{2000};  // config mcp.progress_interval_ms
};

// The options as the runtime's effective config sets them (section "mcp").
McpOptions mcp_options_from(const boost::json::value &config);

// Serves `in_fd` → `out` until the end of input, or until `stop_fd` (if not -1) becomes
// readable — then the calls under way are cancelled (and journaled job.cancelled) first.
// Returns the process exit code (0).
int serve_mcp(Runtime &runtime, int in_fd, std::FILE *out, const McpOptions &options, int stop_fd = -1);

}  // namespace runtimo::server
