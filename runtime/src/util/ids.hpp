// util/ids.hpp — random identifiers for jobs and sessions.
#pragma once

#include <string>
#include <string_view>

namespace runtimo::util {

// 32 lowercase hex digits from getrandom(2). Throws std::system_error if the kernel's random
// source is unavailable (never falls back to a guessable value).
std::string new_id();

// Whether `text` has the shape new_id() gives: 32 lowercase hex digits.
bool is_id(std::string_view text);

}  // namespace runtimo::util
