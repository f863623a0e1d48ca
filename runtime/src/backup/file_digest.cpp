// backup/file_digest.cpp — see file_digest.hpp.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "backup/file_digest.hpp"

#include "backup/backup_error.hpp"

#include <unistd.h>

#include <cerrno>
#include <vector>

namespace runtimo::backup {

Sha256Stream::Sha256Stream() {
  SHA256_Init(&ctx_);
}

void Sha256Stream::update(std::string_view bytes) {
  SHA256_Update(&ctx_, bytes.data(), bytes.size());
}

std::string Sha256Stream::hex() {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, &ctx_);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(SHA256_DIGEST_LENGTH * 2, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = digits[md[i] >> 4];
    out[2 * i + 1] = digits[md[i] & 0xF];
  }
  return out;
}

std::string sha256_hex_of_fd(int fd, const std::filesystem::path &shown) {
  constexpr std::size_t kBlock = 256 * 1024;
  std::vector<char> buf(kBlock);
  Sha256Stream digest;
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read", shown.empty() ? "file descriptor " + std::to_string(fd) : shown.string(),
                  errno);
    }
    if (n == 0) break;
    digest.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    offset += n;
  }
  return digest.hex();
}

}  // namespace runtimo::backup
