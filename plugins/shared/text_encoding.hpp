// plugins/shared/text_encoding.hpp — bytes as the file plugins hand them over and take them:
// UTF-8 text when they are well-formed UTF-8, otherwise base64 (RFC 4648, with '=' padding) —
// FileRead's output, FileWrite's content_base64, FileEdit's "is this text".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::shared {

// The offset of the first byte that makes `bytes` not well-formed UTF-8 (an overlong form, a
// surrogate, a value > U+10FFFF, a cut sequence), or npos.
std::size_t first_invalid_utf8(std::string_view bytes);
inline bool is_valid_utf8(std::string_view bytes) { return first_invalid_utf8(bytes) == std::string_view::npos; }

// The length of `bytes` without a multi-byte character cut off at its end: when the last one
// to three bytes start a character whose remaining bytes are missing, they are left out.
std::size_t without_split_character(std::string_view bytes);

// Base64 with '=' padding.
std::string base64_encode(std::string_view bytes);

// The bytes `text` encodes (base64 with '=' padding); nullopt with `*bad` (may be null) the
// offset of the first character that is wrong, or the length when the length is not a multiple
// of 4.
std::optional<std::string> base64_decode(std::string_view text, std::size_t *bad = nullptr);

}  // namespace runtimo::shared
