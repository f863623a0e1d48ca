// backup/base64.hpp — standard base64 (RFC 4648 §4, with '=' padding) for the raw bytes the
// backup metadata carries in JSON: extended attribute values, and names or link targets that
// are not UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runtimo::backup {

std::string base64_encode(std::string_view bytes);

// The bytes of `text`, or nullopt when it is not canonical base64 (length not a multiple of 4,
// a character outside the alphabet, padding before the end, or non-zero bits in the last
// character's unused part), so every byte string has exactly one accepted encoding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace runtimo::backup
