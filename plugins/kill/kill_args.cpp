// plugins/kill/kill_args.cpp — see kill_args.hpp. The host has already checked the schema;
// these checks repeat its bounds (with sdk::integer_arg, which reads integers exactly as the
// schema validator does) so execute() never trusts an unchecked value, and add the cross-field
// rules (allowed signal numbers, escalation only after SIGTERM).
#include "kill_args.hpp"

#include "signals.hpp"

#include <climits>
#include <csignal>
#include <limits>
#include <string>

namespace runtimo::kill {

using sdk::Error;

KillArgs parse_kill_args(const boost::json::object &args) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  KillArgs a;
  const auto pid = sdk::integer_arg(args, "pid", 1, std::numeric_limits<std::int32_t>::max());
  if (!pid) throw Error(RT_INVALID_ARGS, "pid is required", "give the process id to signal");
  a.pid = *pid;

  // The signal's range is not contiguous: read it as any integer, then judge it.
  if (const auto signal = sdk::integer_arg(args, "signal", INT32_MIN, INT32_MAX)) {
    if (!is_allowed_signal(*signal))
      throw Error(RT_INVALID_ARGS,
                  "signal " + std::to_string(*signal) + " is not a valid signal: use 1–31 or 64",
                  "15 (SIGTERM) asks a process to exit, 9 (SIGKILL) forces it");
    a.signal = static_cast<int>(*signal);
  }
  a.wait_ms = sdk::integer_arg(args, "wait_ms", 0, 60000).value_or(a.wait_ms);
  if (const auto escalate = sdk::integer_arg(args, "escalate_after_ms", 1, 60000)) {
    a.escalate_after_ms = *escalate;
    if (a.signal != SIGTERM)
      throw Error(RT_INVALID_ARGS,
                  "escalate_after_ms only applies to signal 15 (SIGTERM), not " +
                      std::to_string(a.signal) + " (" + signal_name(a.signal) + ")",
                  "drop escalate_after_ms, or use signal 15 to escalate to SIGKILL");
  }
  if (const auto start = sdk::integer_arg(args, "start_time", 0, kMax))
    a.start_time = static_cast<std::uint64_t>(*start);
  return a;
}

}  // namespace runtimo::kill
