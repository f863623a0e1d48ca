// util/digest.hpp — content digests (SHA-256 via OpenSSL's libcrypto) for truncated journal
// outputs and, later, backups.
#pragma once

#include <string>
#include <string_view>

namespace runtimo::util {

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace runtimo::util
