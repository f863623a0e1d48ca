// util/utf8.hpp — UTF-8 checks, repair and safe cutting, shared by the journal bounds, the host
// API (text from plugins) and the CLI.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runtimo::util {

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// `bytes` with every ill-formed sequence replaced by U+FFFD (one per maximal invalid prefix, as
// the Unicode standard recommends), so text from outside can always be journaled and printed.
std::string repair_utf8(std::string_view bytes);

// The largest n ≤ limit such that bytes[0, n) does not end inside a multi-byte character.
std::size_t utf8_cut(std::string_view bytes, std::size_t limit);

}  // namespace runtimo::util
