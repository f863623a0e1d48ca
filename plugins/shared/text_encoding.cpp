// plugins/shared/text_encoding.cpp — see text_encoding.hpp. Base64 uses Boost's public
// dataflow iterators (6-bit groups out of 8-bit bytes); they do not pad, so '=' is added here.
#include "text_encoding.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <cstdint>

namespace runtimo::shared {
namespace {

// The length of the UTF-8 sequence a lead byte starts, 0 for a byte that cannot start one.
std::size_t sequence_length(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

bool continuation(std::uint8_t byte) {
  return (byte & 0xC0) == 0x80;
}

}  // namespace

std::size_t first_invalid_utf8(std::string_view bytes) {
  const auto *p = reinterpret_cast<const std::uint8_t *>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    const std::size_t len = sequence_length(p[i]);
    if (len == 0 || i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k)
      if (!continuation(p[i + k])) return i;
    // The second byte's range rules out overlong forms, surrogates and values > U+10FFFF.
    if (len >= 3) {
      const std::uint8_t lead = p[i];
      const std::uint8_t second = p[i + 1];
      if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
          (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
        return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::size_t without_split_character(std::string_view bytes) {
  const auto *p = reinterpret_cast<const std::uint8_t *>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const std::uint8_t byte = p[n - back];
    if (continuation(byte)) continue;
    const std::size_t len = sequence_length(byte);
    return len > back ? n - back : n;
  }
  return n;
}

std::string base64_encode(std::string_view bytes) {
  using namespace boost::archive::iterators;
  using Encoder = base64_from_binary<transform_width<const char *, 6, 8>>;
  std::string out(Encoder(bytes.data()), Encoder(bytes.data() + bytes.size()));
  out.append((3 - bytes.size() % 3) % 3, '=');
  return out;
}

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text, std::size_t *bad) {
  const auto refuse = [&](std::size_t at) -> std::optional<std::string> {
    if (bad != nullptr) *bad = at;
    return std::nullopt;
  };
  if (text.size() % 4 != 0) return refuse(text.size());
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
      } else if ((v[j] = base64_value(c)) < 0 || pad > 0) {
        return refuse(i + j);
      }
    }
    const std::uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(n >> 16);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

}  // namespace runtimo::shared
