// backup/file_digest.hpp — SHA-256 of data too large for one string: a file's content (read in
// blocks from its descriptor) and the tree digest's stream of entries.
//
// util::sha256_hex (util/digest.hpp) digests one small string; this streams. Both use the
// low-level SHA256_* functions of libcrypto (see util/digest.cpp for why not EVP) and give
// lowercase hex.
#pragma once

#include <openssl/sha.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace runtimo::backup {

// A SHA-256 fed piece by piece. hex() is the digest of what was fed so far and leaves the
// stream as it was, so it can be fed more (a copy of the state is what gets finished): the
// digest of a file after an append is its old content's stream fed the appended bytes.
class Sha256Stream {
 public:
  Sha256Stream();
  void update(std::string_view bytes);
  std::string hex() const;

 private:
  SHA256_CTX ctx_;
};

// A buffer for reading a file in blocks: at most kMaxBytes, no larger than the `needed` bytes,
// and left uninitialised, so digesting a 4 KiB file does not zero (and fault in) a megabyte.
class ReadBuffer {
 public:
  static constexpr std::size_t kMaxBytes = 1u << 20;
  explicit ReadBuffer(std::uint64_t needed);
  char *data() { return bytes_.get(); }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_;
  std::unique_ptr<char[]> bytes_;
};

// Feeds `digest` the bytes of `fd` in [from, to), read with pread(2); returns 0, or the errno
// of a failed read (EIO when the file ends before `to`).
int digest_fd_range(int fd, std::uint64_t from, std::uint64_t to, Sha256Stream &digest, ReadBuffer &buf);

// Lowercase hex SHA-256 of the whole content of the open regular file `fd`, read with pread(2)
// from offset 0 to the end (the descriptor's position is neither used nor moved). `shown`
// names the file in the error ("cannot read <shown>: ..."); the descriptor number when empty.
std::string sha256_hex_of_fd(int fd, const std::filesystem::path &shown = {});

}  // namespace runtimo::backup
