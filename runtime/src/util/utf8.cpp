// util/utf8.cpp — UTF-8 validation and safe cutting.
#include "util/utf8.hpp"

#include <cstdint>

namespace runtimo::util {

bool is_valid_utf8(std::string_view s) {
  const auto *p = reinterpret_cast<const std::uint8_t *>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::size_t utf8_cut(std::string_view s, std::size_t limit) {
  if (limit >= s.size()) return s.size();
  std::size_t n = limit;
  // Step back over continuation bytes to the lead byte of the character that straddles the cut.
  std::size_t back = 0;
  while (n > 0 && back < 4 && (static_cast<std::uint8_t>(s[n]) & 0xC0) == 0x80) {
    --n;
    ++back;
  }
  return n;
}

}  // namespace runtimo::util
