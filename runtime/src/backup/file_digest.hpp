// backup/file_digest.hpp — SHA-256 of data too large for one string: a file's content (read in
// blocks from its descriptor) and the tree digest's stream of entries.
//
// util::sha256_hex (util/digest.hpp) digests one small string; this streams. Both use the
// low-level SHA256_* functions of libcrypto (see util/digest.cpp for why not EVP) and give
// lowercase hex.
#pragma once

#include <openssl/sha.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::backup {

// A SHA-256 fed piece by piece; hex() ends it (call it once).
class Sha256Stream {
 public:
  Sha256Stream();
  void update(std::string_view bytes);
  std::string hex();

 private:
  SHA256_CTX ctx_;
};

// Lowercase hex SHA-256 of the whole content of the open regular file `fd`, read with pread(2)
// from offset 0 to the end (the descriptor's position is neither used nor moved). `shown`
// names the file in the error ("cannot read <shown>: ..."); the descriptor number when empty.
std::string sha256_hex_of_fd(int fd, const std::filesystem::path &shown = {});

}  // namespace runtimo::backup
