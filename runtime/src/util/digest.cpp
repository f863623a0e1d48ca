// util/digest.cpp — SHA-256 through OpenSSL's libcrypto.
//
// SHA256_Init/Update/Final of <openssl/sha.h> compute the digest directly. The EVP interface
// (EVP_Digest, and in OpenSSL 3 the one-shot SHA256() too) first initialises the providers and
// fetches the algorithm, which measured ~5 million instructions (~1.5 ms) on the first digest
// of every `runtimo` command. The low-level functions are deprecated in OpenSSL 3 in favour of
// EVP but stay part of its API and give the same digest (checked against sha256sum in tests).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "util/digest.hpp"

#include <openssl/sha.h>

namespace runtimo::util {

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, bytes.data(), bytes.size());
  SHA256_Final(md, &ctx);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(SHA256_DIGEST_LENGTH * 2, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 0xF];
  }
  return out;
}

}  // namespace runtimo::util
