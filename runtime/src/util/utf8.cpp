// util/utf8.cpp — UTF-8 validation, repair and safe cutting.
#include "util/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace runtimo::util {

namespace {

// What a lead byte announces: the character's length and the allowed range of its second byte,
// which excludes overlongs, surrogates and code points above U+10FFFF (Unicode table 3-7).
// Length 0: not a lead byte.
struct Lead {
  std::size_t length = 0;
  std::uint8_t low = 0x80, high = 0xBF;
};

Lead lead_of(std::uint8_t c) {
  Lead l;
  if (c < 0x80) {
    l.length = 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    l.length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    l.length = 3;
    if (c == 0xE0) l.low = 0xA0;
    if (c == 0xED) l.high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    l.length = 4;
    if (c == 0xF0) l.low = 0x90;
    if (c == 0xF4) l.high = 0x8F;
  }
  return l;
}

// The bytes of p[0, n) that begin a well-formed character: all of it (== lead length) when it
// is complete, fewer for a truncated one (its "maximal subpart"), 0 when p[0] starts nothing.
std::size_t valid_prefix(const std::uint8_t *p, std::size_t n) {
  const Lead l = lead_of(p[0]);
  if (l.length <= 1) return l.length;
  if (n < 2 || p[1] < l.low || p[1] > l.high) return 0;
  std::size_t k = 2;
  while (k < l.length && k < n && (p[k] & 0xC0) == 0x80) ++k;
  return k;
}

std::size_t character_length(const std::uint8_t *p, std::size_t n) {
  const std::size_t k = valid_prefix(p, n);
  return k == lead_of(p[0]).length ? k : 0;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  const auto *p = reinterpret_cast<const std::uint8_t *>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = character_length(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string repair_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  const auto *p = reinterpret_cast<const std::uint8_t *>(s.data());
  const std::size_t n = s.size();
  std::string out;
  out.reserve(n + 8);
  for (std::size_t i = 0; i < n;) {
    const std::size_t len = character_length(p + i, n - i);
    if (len != 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      i += std::max<std::size_t>(1, valid_prefix(p + i, n - i));  // one U+FFFD per subpart
    }
  }
  return out;
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
