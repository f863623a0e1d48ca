// wal/line_codec.hpp — the private half of the line codec (FORMAT.md, "Lines" and "CRC"): how
// the writer builds an event line cheaply. The public half (crc32c, seal_line, check_line) is
// declared in journal.hpp; seal_line is defined here, crc32c and check_line in line_check.cpp.
//
// The writer splits an event in two: everything that does not depend on seq and ts is
// serialised and validated before the append lock is taken (prepare_event); the line itself
// is assembled under the lock (compose_event_line). The result is byte for byte what
// seal_line would give for the same object, members in the same order.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace runtimo::wal::detail {

// The crc member that ends every line: `,"crc":"` + 8 hex digits + `"}`.
inline constexpr std::string_view kCrcOpen = ",\"crc\":\"";
inline constexpr std::size_t kCrcMemberTail = kCrcOpen.size() + 8 + 2;

// An event's seq-independent parts, already serialised as JSON text.
struct PreparedEvent {
  std::string type_json;     // "job.started" with its quotes
  std::string job_json;      // "j-7" with its quotes
  std::string body_members;  // the body's members without the enclosing braces (may be empty)
};

// Serialises type, job and body. Throws std::invalid_argument when the body holds a reserved
// member (seq, ts, type, job, crc) or when any string is not valid UTF-8 (the line could not
// be read back).
PreparedEvent prepare_event(std::string_view type, std::string_view job,
                            const boost::json::object &body);

// {"seq":N,"ts":"…","type":…,"job":…,<body>,"crc":"xxxxxxxx"} — without the '\n'.
std::string compose_event_line(std::uint64_t seq, std::string_view ts, const PreparedEvent &event);

// Turns a serialised object `{...}` (non-empty) into a sealed line by adding the crc member.
void append_crc_member(std::string &serialized_object);

// "2026-11-28T04:06:26.123456Z" (RFC 3339, UTC, microseconds).
std::string format_timestamp(std::chrono::system_clock::time_point time);

// Appends `value` as 8 lowercase hex digits (the crc member's form).
void append_hex8(std::string &out, std::uint32_t value);

}  // namespace runtimo::wal::detail
