// wal/line_check.hpp — checking journal lines (FORMAT.md, "CRC" and "What verify checks").
//
// Two depths of check share the CRC test:
// - check_line (journal.hpp): CRC, then a full JSON parse; for readers that return the event.
// - check_line_head: CRC, then only the fixed head the writer writes,
//   {"seq":N,"ts":"…","type":"…","job":"…" — no parse of the body. For verify and the index,
//   which must keep up with `cat`: a parse costs ~20x the CRC. A line whose CRC matches but
//   whose head is in another form (members reordered or escaped by a tool) is parsed in full,
//   so both depths accept the same lines the writer can produce.
// And peek_seq reads the seq of any line whose {"seq":N, prefix parses, damaged or not: seq
// must continue above every seq present, damaged lines included.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::wal::detail {

// Empty when `line` ends in a `,"crc":"xxxxxxxx"}` member matching its bytes; else what is
// wrong ("crc mismatch: …").
std::string check_crc(std::string_view line);

// The seq, type and job of a checked line. The views point into the line unless the line had
// to be parsed in full, then into `storage`.
struct LineHead {
  std::uint64_t seq = 0;
  std::string_view type;
  std::string_view job;
  std::string storage;
};

// Empty when `line` is valid (see above), filling `head`; else what is wrong.
std::string check_line_head(std::string_view line, LineHead &head);

// check_line_head in its two steps, for a caller that computes CRCs of several lines at once:
// read_crc_member gives the bytes the CRC covers (the closing brace is covered after them)
// and the CRC the line states, or what is wrong with the member; crc_mismatch says whether
// the computed CRC differs; check_head checks the head of a line whose CRC matched.
std::string read_crc_member(std::string_view line, std::string_view &covered,
                            std::uint32_t &stated);
std::string crc_mismatch(std::uint32_t stated, std::uint32_t actual);
std::string check_head(std::string_view line, LineHead &head);

// The seq of a line starting {"seq":N, with N a positive integer that fits 64 bits; nothing
// otherwise (no such prefix, 0, or a seq past 2^64-1, which is damage).
std::optional<std::uint64_t> peek_seq(std::string_view line);

}  // namespace runtimo::wal::detail
