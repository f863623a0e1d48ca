// wal/segment_names.hpp — naming and ordering of journal segment files (FORMAT.md, "Directory
// layout"): wal-<number>.jsonl, the number zero-padded to eight digits, numbered from 1.
//
// A segment number is kept as its decimal digits, never parsed into an integer: a directory
// may hold wal-<20 or more digits>.jsonl (a fuzzer, a copy, a very old home), which must still
// list in numeric order and be appendable after, and no integer type holds every such number.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runtimo::wal::detail {

// "wal-00000007.jsonl" for "7"; `number` is canonical (digits, no leading zero, not "0").
std::string segment_file_name(std::string_view number);

// The canonical number of a segment file name ("7" for "wal-00000007.jsonl"), or nothing when
// `name` is not one: at least eight digits, and no leading zero beyond eight digits (exactly
// what segment_file_name produces).
std::optional<std::string> parse_segment_name(std::string_view name);

// Numeric order of canonical numbers: by length, then digit by digit.
bool segment_number_less(std::string_view a, std::string_view b);

// The number after `number` ("10" after "9"), by decimal-string increment.
std::string next_segment_number(std::string_view number);

}  // namespace runtimo::wal::detail
