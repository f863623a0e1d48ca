// wal/event_types.hpp — the one vocabulary of journal event types (DESIGN §4). Every writer and
// reader of the journal names event types through these constants, never through bare strings.
//
// A job's record is: job.rejected alone (refused before execute), or job.started, then any
// job.backup and job.note events, then exactly one terminal event.
#pragma once

#include <string_view>

namespace runtimo::wal::event {

inline constexpr std::string_view started = "job.started";
inline constexpr std::string_view rejected = "job.rejected";
inline constexpr std::string_view backup = "job.backup";
inline constexpr std::string_view note = "job.note";
inline constexpr std::string_view completed = "job.completed";
inline constexpr std::string_view failed = "job.failed";
inline constexpr std::string_view timed_out = "job.timed_out";
inline constexpr std::string_view cancelled = "job.cancelled";
inline constexpr std::string_view interrupted = "job.interrupted";
inline constexpr std::string_view undone = "job.undone";

// A session's life (its "job" member is empty; its id is the "session" member).
inline constexpr std::string_view session_created = "session.created";
inline constexpr std::string_view session_closed = "session.closed";
// What `runtimo gc` removed (no job either): {jobs: [...], bytes}.
inline constexpr std::string_view gc_collected = "gc.collected";

// The events that end an accepted job (one per job.started, whatever happens).
inline constexpr std::string_view terminal[] = {completed, failed, timed_out, cancelled,
                                                interrupted};

constexpr bool is_terminal(std::string_view type) {
  for (std::string_view t : terminal)
    if (t == type) return true;
  return false;
}

// job.rejected also ends a job's record (one that never started).
constexpr bool ends_job(std::string_view type) {
  return type == rejected || is_terminal(type);
}

}  // namespace runtimo::wal::event
