// util/ids.hpp — random identifiers for jobs and sessions.
#pragma once

#include <string>

namespace runtimo::util {

// 32 lowercase hex digits from getrandom(2). Throws std::system_error if the kernel's random
// source is unavailable (never falls back to a guessable value).
std::string new_id();

}  // namespace runtimo::util
