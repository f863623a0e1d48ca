// plugins/file_read/text_encoding.hpp — how FileRead hands bytes back: UTF-8 text when the
// bytes are well-formed UTF-8, otherwise base64 (RFC 4648, with '=' padding).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runtimo::file_read {

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// The length of `bytes` without a multi-byte character cut off at its end: when the last one
// to three bytes start a character whose remaining bytes are missing, they are left out.
std::size_t without_split_character(std::string_view bytes);

// Base64 with '=' padding.
std::string base64_encode(std::string_view bytes);

}  // namespace runtimo::file_read
