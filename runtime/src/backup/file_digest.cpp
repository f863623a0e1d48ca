// backup/file_digest.cpp — see file_digest.hpp.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "backup/file_digest.hpp"

#include "backup/backup_error.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace runtimo::backup {

Sha256Stream::Sha256Stream() {
  SHA256_Init(&ctx_);
}

void Sha256Stream::update(std::string_view bytes) {
  SHA256_Update(&ctx_, bytes.data(), bytes.size());
}

std::string Sha256Stream::hex() const {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ended = ctx_;
  SHA256_Final(md, &ended);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(SHA256_DIGEST_LENGTH * 2, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = digits[md[i] >> 4];
    out[2 * i + 1] = digits[md[i] & 0xF];
  }
  return out;
}

ReadBuffer::ReadBuffer(std::uint64_t needed)
    : size_(static_cast<std::size_t>(std::clamp<std::uint64_t>(needed, 1, kMaxBytes))), bytes_(new char[size_]) {}

int digest_fd_range(int fd, std::uint64_t from, std::uint64_t to, Sha256Stream &digest, ReadBuffer &buf) {
  while (from < to) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), to - from));
    const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(from));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    digest.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    from += static_cast<std::uint64_t>(n);
  }
  return 0;
}

std::string sha256_hex_of_fd(int fd, const std::filesystem::path &shown) {
  struct stat st {};
  ReadBuffer buf(::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) + 1 : ReadBuffer::kMaxBytes);
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
