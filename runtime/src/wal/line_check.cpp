// wal/line_check.cpp — CRC, head and full checks of journal lines; see line_check.hpp.
#include "wal/line_check.hpp"

#include "wal/crc32c.hpp"
#include "wal/journal.hpp"
#include "wal/line_codec.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <cstring>

namespace runtimo::wal {

namespace {

using detail::kCrcMemberTail;
using detail::kCrcOpen;

// Lowercase hex digit values, -1 for anything else: a table, because the digits of a CRC are
// random and a branch on digit-or-letter mispredicts on half of them.
constexpr auto kHexValue = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int c = '0'; c <= '9'; ++c)
    table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c)
    table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  return table;
}();

std::string hex8(std::uint32_t value) {
  std::string out;
  detail::append_hex8(out, value);
  return out;
}

// Digits of a positive integer without leading zeros that fits 64 bits, at the start of
// `text`; sets `used` to the digits' count.
std::optional<std::uint64_t> leading_seq(std::string_view text, std::size_t &used) {
  std::uint64_t value = 0;
  used = 0;
  while (used < text.size() && static_cast<unsigned char>(text[used] - '0') < 10) {
    auto digit = static_cast<std::uint64_t>(text[used] - '0');
    // Only a 20th digit can overflow: check there, not on every digit of every line.
    if (used >= 19 && (__builtin_mul_overflow(value, 10u, &value) ||
                       __builtin_add_overflow(value, digit, &value))) {
      return std::nullopt;  // past 2^64-1: damage
    }
    if (used < 19) value = value * 10 + digit;
    ++used;
  }
  if (used == 0 || value == 0 || (used > 1 && text[0] == '0')) return std::nullopt;
  return value;
}

// A JSON string without escapes at the start of `text` (after its opening quote): its
// contents, and `used` past the closing quote; nothing when it holds a backslash (then the
// line takes the full parse). memchr, not a byte loop: this runs three times per line of verify.
std::optional<std::string_view> plain_string(std::string_view text, std::size_t &used) {
  const void *quote = std::memchr(text.data(), '"', text.size());
  if (quote == nullptr) return std::nullopt;
  std::size_t length = static_cast<std::size_t>(static_cast<const char *>(quote) - text.data());
  if (std::memchr(text.data(), '\\', length) != nullptr) return std::nullopt;
  used = length + 1;
  return text.substr(0, length);
}

// Removes `expected` (a literal: its length is a constant, so the compare is inlined).
template <std::size_t N>
bool skip(std::string_view &text, const char (&expected)[N]) {
  if (text.size() < N - 1 || std::memcmp(text.data(), expected, N - 1) != 0) return false;
  text.remove_prefix(N - 1);
  return true;
}

// The writer's head; false when the line is in another form.
bool parse_head(std::string_view text, detail::LineHead &head) {
  std::size_t used = 0;
  if (!skip(text, "{\"seq\":")) return false;
  auto seq = leading_seq(text, used);
  if (!seq) return false;
  text.remove_prefix(used);
  if (!skip(text, ",\"ts\":\"") || !plain_string(text, used)) return false;
  text.remove_prefix(used);
  if (!skip(text, ",\"type\":\"")) return false;
  auto type = plain_string(text, used);
  if (!type) return false;
  text.remove_prefix(used);
  if (!skip(text, ",\"job\":\"")) return false;
  auto job = plain_string(text, used);
  if (!job) return false;
  text.remove_prefix(used);
  if (text.empty() || (text.front() != ',' && text.front() != '}')) return false;
  head.seq = *seq;
  head.type = *type;
  head.job = *job;
  return true;
}

}  // namespace

namespace detail {

std::string read_crc_member(std::string_view line, std::string_view &covered,
                            std::uint32_t &stated) {
  if (line.empty()) return "empty line";
  if (line.size() < kCrcMemberTail + 2 || !line.ends_with("\"}") ||
      line.substr(line.size() - kCrcMemberTail, kCrcOpen.size()) != kCrcOpen) {
    return "no trailing \"crc\" member";
  }
  std::string_view digits = line.substr(line.size() - 10, 8);
  stated = 0;
  int invalid = 0;
  for (char c : digits) {
    int v = kHexValue[static_cast<unsigned char>(c)];
    invalid |= v;  // negative once any digit is not hex
    stated = (stated << 4) | static_cast<std::uint32_t>(v & 0xF);
  }
  if (invalid < 0) return "crc \"" + std::string(digits) + "\" is not 8 lowercase hex digits";
  // The crc covers the object as it was before the crc member was added: everything up to
  // the member, then the closing brace.
  covered = line.substr(0, line.size() - kCrcMemberTail);
  return {};
}

std::string crc_mismatch(std::uint32_t stated, std::uint32_t actual) {
  if (stated == actual) return {};
  return "crc mismatch: line says " + hex8(stated) + ", its bytes give " + hex8(actual);
}

std::string check_crc(std::string_view line) {
  std::string_view covered;
  std::uint32_t stated = 0;
  if (std::string what = read_crc_member(line, covered, stated); !what.empty()) return what;
  Crc32c crc;
  crc.update(covered);
  crc.update('}');
  return crc_mismatch(stated, crc.value());
}

std::string check_head(std::string_view line, LineHead &head) {
  if (parse_head(line, head)) return {};
  boost::json::object event;
  if (std::string what = check_line(line, &event); !what.empty()) return what;
  const boost::json::value &seq = event.at("seq");
  head.seq = seq.is_uint64() ? seq.get_uint64() : static_cast<std::uint64_t>(seq.get_int64());
  const boost::json::string &type = event.at("type").get_string();
  const boost::json::string &job = event.at("job").get_string();
  head.storage.assign(type.data(), type.size());
  head.storage.append(job.data(), job.size());
  head.type = std::string_view(head.storage).substr(0, type.size());
  head.job = std::string_view(head.storage).substr(type.size());
  return {};
}

std::string check_line_head(std::string_view line, LineHead &head) {
  if (std::string what = check_crc(line); !what.empty()) return what;
  return check_head(line, head);
}

std::optional<std::uint64_t> peek_seq(std::string_view line) {
  std::string_view text = line;
  if (!skip(text, "{\"seq\":")) return std::nullopt;
  std::size_t used = 0;
  auto seq = leading_seq(text, used);
  if (!seq || used == text.size() || (text[used] != ',' && text[used] != '}')) return std::nullopt;
  return seq;
}

}  // namespace detail

std::string check_line(std::string_view line, boost::json::object *parsed) {
  if (std::string what = detail::check_crc(line); !what.empty()) return what;
  boost::system::error_code ec;
  boost::json::value value =
      boost::json::parse(boost::json::string_view(line.data(), line.size()), ec);
  if (ec) return "not JSON: " + ec.message();
  if (!value.is_object()) return "not a JSON object";
  boost::json::object &object = value.get_object();
  const boost::json::value *seq = object.if_contains("seq");
  bool seq_ok = seq != nullptr && ((seq->is_int64() && seq->get_int64() > 0) ||
                                   (seq->is_uint64() && seq->get_uint64() > 0));
  if (!seq_ok) return "\"seq\" missing or not a positive integer";
  for (const char *name : {"ts", "type", "job"}) {
    const boost::json::value *member = object.if_contains(name);
    if (member == nullptr || !member->is_string()) {
      return "\"" + std::string(name) + "\" missing or not a string";
    }
  }
  if (parsed != nullptr) *parsed = std::move(object);
  return {};
}

std::uint32_t crc32c(std::string_view bytes) {
  detail::Crc32c crc;
  crc.update(bytes);
  return crc.value();
}

}  // namespace runtimo::wal
