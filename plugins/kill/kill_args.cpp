// plugins/kill/kill_args.cpp — see kill_args.hpp. The host has already checked the schema;
// these checks repeat its bounds so execute() never trusts an unchecked value, and add the
// cross-field rules (allowed signal numbers, escalation only after SIGTERM).
#include "kill_args.hpp"

#include "signals.hpp"

#include <cmath>
#include <csignal>
#include <limits>
#include <string>

namespace runtimo::kill {
namespace {

using sdk::Error;

std::optional<std::int64_t> integer(const boost::json::object &args, const char *key) {
  const boost::json::value *v = args.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      throw Error(RT_INVALID_ARGS,
                  std::string(key) + " " + std::to_string(v->get_uint64()) + " is out of range");
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15)
      return static_cast<std::int64_t>(d);
  }
  throw Error(RT_INVALID_ARGS,
              std::string(key) + " must be an integer, not " + boost::json::serialize(*v));
}

std::int64_t bounded(std::int64_t value, const char *key, std::int64_t low, std::int64_t high) {
  if (value < low || value > high)
    throw Error(RT_INVALID_ARGS, std::string(key) + " " + std::to_string(value) +
                                     " is out of range: use " + std::to_string(low) + "–" +
                                     std::to_string(high));
  return value;
}

}  // namespace

KillArgs parse_kill_args(const boost::json::object &args) {
  KillArgs a;
  const auto pid = integer(args, "pid");
  if (!pid) throw Error(RT_INVALID_ARGS, "pid is required", "give the process id to signal");
  a.pid = bounded(*pid, "pid", 1, std::numeric_limits<std::int32_t>::max());

  if (const auto signal = integer(args, "signal")) {
    if (!is_allowed_signal(*signal))
      throw Error(RT_INVALID_ARGS,
                  "signal " + std::to_string(*signal) + " is not a valid signal: use 1–31 or 64",
                  "15 (SIGTERM) asks a process to exit, 9 (SIGKILL) forces it");
    a.signal = static_cast<int>(*signal);
  }
  if (const auto wait = integer(args, "wait_ms")) a.wait_ms = bounded(*wait, "wait_ms", 0, 60000);
  if (const auto escalate = integer(args, "escalate_after_ms")) {
    a.escalate_after_ms = bounded(*escalate, "escalate_after_ms", 1, 60000);
    if (a.signal != SIGTERM)
      throw Error(RT_INVALID_ARGS,
                  "escalate_after_ms only applies to signal 15 (SIGTERM), not " +
                      std::to_string(a.signal) + " (" + signal_name(a.signal) + ")",
                  "drop escalate_after_ms, or use signal 15 to escalate to SIGKILL");
  }
  if (const auto start = integer(args, "start_time"))
    a.start_time = static_cast<std::uint64_t>(
        bounded(*start, "start_time", 0, std::numeric_limits<std::int64_t>::max()));
  return a;
}

}  // namespace runtimo::kill
