// plugins/kill/kill_args.hpp — the Kill capability's arguments: its JSON Schema and the typed
// form both validate() and execute() read (with the rules the schema cannot express).
#pragma once

#include <runtimo/sdk.hpp>

#include <cstdint>
#include <optional>

namespace runtimo::kill {

inline constexpr const char *kKillSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Kill",
  "type": "object",
  "additionalProperties": false,
  "required": ["pid"],
  "properties": {
    "pid": {
      "type": "integer", "minimum": 1, "maximum": 2147483647,
      "description": "The process id to signal."
    },
    "signal": {
      "type": "integer", "default": 15,
      "anyOf": [{"minimum": 1, "maximum": 31}, {"enum": [64]}],
      "description": "The signal number: 1-31 or 64. 15 (SIGTERM) asks the process to exit, 9 (SIGKILL) forces it; SIGSTOP, SIGCONT and other non-terminating signals are delivered without waiting."
    },
    "wait_ms": {
      "type": "integer", "minimum": 0, "maximum": 60000, "default": 2000,
      "description": "How long to wait for the process to exit after the (last) signal; 0 sends without waiting. Bounded by the job's deadline."
    },
    "escalate_after_ms": {
      "type": "integer", "minimum": 1, "maximum": 60000,
      "description": "Only with signal 15: when the process is still alive this long after SIGTERM, send SIGKILL and wait up to wait_ms more."
    },
    "start_time": {
      "type": "integer", "minimum": 0,
      "description": "The process's expected start time (field 22 of /proc/<pid>/stat, clock ticks after boot, as process listings report it); when the pid now has another start time it was reused and nothing is signalled."
    }
  }
})";

struct KillArgs {
  std::int64_t pid = 0;
  int signal = 15;
  std::int64_t wait_ms = 2000;
  std::optional<std::int64_t> escalate_after_ms;
  std::optional<std::uint64_t> start_time;
};

// Reads and range-checks the arguments; throws sdk::Error(RT_INVALID_ARGS) with a message
// naming the argument and its value when one is wrong.
KillArgs parse_kill_args(const boost::json::object &args);

}  // namespace runtimo::kill
