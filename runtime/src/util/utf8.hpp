// util/utf8.hpp — UTF-8 checks shared by the journal truncation and plugins' hosts.
#pragma once

#include <cstddef>
#include <string_view>

namespace runtimo::util {

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// The largest n ≤ limit such that bytes[0, n) does not end inside a multi-byte character.
std::size_t utf8_cut(std::string_view bytes, std::size_t limit);

}  // namespace runtimo::util
