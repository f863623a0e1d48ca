// wal/line_codec.cpp — the line codec: CRC-32C, sealing a line with its crc member, checking a
// line, and assembling event lines for the writer (FORMAT.md, "Lines" and "CRC").
#include "wal/line_codec.hpp"

#include "wal/journal.hpp"

#include <boost/crc.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace runtimo::wal {

namespace {

// CRC-32C (Castagnoli): polynomial 0x1EDC6F41, reflected in and out, init and xorout ~0.
using Crc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

// `,"crc":"` + 8 hex digits + `"}`.
constexpr std::string_view kCrcOpen = ",\"crc\":\"";
constexpr std::size_t kCrcMemberTail = kCrcOpen.size() + 8 + 2;

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex8(std::string &out, std::uint32_t value) {
  for (int shift = 28; shift >= 0; shift -= 4) out += kHexDigits[(value >> shift) & 0xF];
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

std::uint32_t parse_hex8(std::string_view digits) {
  std::uint32_t value = 0;
  for (char c : digits) {
    value = (value << 4) | static_cast<std::uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return value;
}

std::string hex8(std::uint32_t value) {
  std::string out;
  append_hex8(out, value);
  return out;
}

bool is_reserved_member(std::string_view key) {
  return key == "seq" || key == "ts" || key == "type" || key == "job" || key == "crc";
}

// Every string (keys included) of an event must be valid UTF-8, or its line would not parse.
void require_utf8_string(std::string_view text, std::string_view where) {
  if (!detail::is_valid_utf8(text)) {
    throw std::invalid_argument("journal event " + std::string(where) +
                                " holds a string that is not valid UTF-8");
  }
}

void require_utf8(const boost::json::value &value, std::string_view where) {
  switch (value.kind()) {
    case boost::json::kind::string: {
      const auto &s = value.get_string();
      require_utf8_string(std::string_view(s.data(), s.size()), where);
      break;
    }
    case boost::json::kind::array:
      for (const auto &item : value.get_array()) require_utf8(item, where);
      break;
    case boost::json::kind::object:
      for (const auto &member : value.get_object()) {
        require_utf8_string(std::string_view(member.key().data(), member.key().size()), where);
        require_utf8(member.value(), where);
      }
      break;
    default:
      break;
  }
}

}  // namespace

std::uint32_t crc32c(std::string_view bytes) {
  Crc32c crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

std::string seal_line(const boost::json::object &event) {
  if (event.contains("crc")) {
    throw std::invalid_argument("seal_line: event already has a \"crc\" member");
  }
  if (event.empty()) {
    throw std::invalid_argument("seal_line: a journal line needs at least one member");
  }
  std::string line = boost::json::serialize(event);
  detail::append_crc_member(line);
  return line;
}

std::string check_line(std::string_view line, boost::json::object *parsed) {
  if (line.empty()) return "empty line";
  if (line.size() < kCrcMemberTail + 2 || !line.ends_with("\"}") ||
      line.substr(line.size() - kCrcMemberTail, kCrcOpen.size()) != kCrcOpen) {
    return "no trailing \"crc\" member";
  }
  std::string_view digits = line.substr(line.size() - 10, 8);
  for (char c : digits) {
    if (!is_lower_hex(c)) {
      return "crc \"" + std::string(digits) + "\" is not 8 lowercase hex digits";
    }
  }
  // The crc covers the object as it was before the crc member was added: everything up to
  // the member, then the closing brace.
  Crc32c crc;
  std::string_view covered = line.substr(0, line.size() - kCrcMemberTail);
  crc.process_bytes(covered.data(), covered.size());
  crc.process_byte('}');
  if (crc.checksum() != parse_hex8(digits)) {
    return "crc mismatch: line says " + std::string(digits) + ", its bytes give " +
           hex8(crc.checksum());
  }

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

namespace detail {

void append_crc_member(std::string &serialized_object) {
  std::uint32_t crc = crc32c(serialized_object);
  serialized_object.pop_back();  // the closing '}'
  serialized_object += kCrcOpen;
  append_hex8(serialized_object, crc);
  serialized_object += "\"}";
}

PreparedEvent prepare_event(std::string_view type, std::string_view job,
                            const boost::json::object &body) {
  require_utf8_string(type, "type");
  require_utf8_string(job, "job");
  for (const auto &member : body) {
    std::string_view key(member.key().data(), member.key().size());
    if (is_reserved_member(key)) {
      throw std::invalid_argument("journal event body may not hold a \"" + std::string(key) +
                                  "\" member (the journal sets seq, ts, type, job and crc)");
    }
    require_utf8_string(key, "body");
    require_utf8(member.value(), "body");
  }

  PreparedEvent event;
  event.type_json = boost::json::serialize(boost::json::string_view(type.data(), type.size()));
  event.job_json = boost::json::serialize(boost::json::string_view(job.data(), job.size()));
  if (!body.empty()) {
    event.body_members = boost::json::serialize(body);
    // Strip the braces: the members are spliced into the event object after "job".
    event.body_members.pop_back();
    event.body_members.erase(0, 1);
  }
  return event;
}

std::string compose_event_line(std::uint64_t seq, std::string_view ts, const PreparedEvent &event) {
  std::string line;
  line.reserve(48 + ts.size() + event.type_json.size() + event.job_json.size() +
               event.body_members.size() + kCrcMemberTail);
  line += "{\"seq\":";
  line += std::to_string(seq);
  line += ",\"ts\":\"";
  line += ts;  // digits and punctuation only: nothing to escape
  line += "\",\"type\":";
  line += event.type_json;
  line += ",\"job\":";
  line += event.job_json;
  if (!event.body_members.empty()) {
    line += ',';
    line += event.body_members;
  }
  line += '}';
  append_crc_member(line);
  return line;
}

std::string format_timestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  // Civil date from days since the epoch, without gmtime_r/snprintf: this runs under the
  // append lock on every append.
  const auto micros = duration_cast<microseconds>(time.time_since_epoch());
  const auto day_start = floor<days>(micros);
  const year_month_day date{sys_days(day_start)};
  const auto in_day = micros - day_start;
  const auto h = duration_cast<hours>(in_day);
  const auto m = duration_cast<minutes>(in_day - h);
  const auto s = duration_cast<seconds>(in_day - h - m);
  const auto us = in_day - h - m - s;

  std::string text(27, '0');  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  auto put = [&text](std::size_t at, std::size_t width, long long value) {
    for (std::size_t i = at + width; i-- > at; value /= 10) {
      text[i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, 4, static_cast<int>(date.year()));
  text[4] = '-';
  put(5, 2, static_cast<unsigned>(date.month()));
  text[7] = '-';
  put(8, 2, static_cast<unsigned>(date.day()));
  text[10] = 'T';
  put(11, 2, h.count());
  text[13] = ':';
  put(14, 2, m.count());
  text[16] = ':';
  put(17, 2, s.count());
  text[19] = '.';
  put(20, 6, us.count());
  text[26] = 'Z';
  return text;
}

bool is_valid_utf8(std::string_view text) {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const auto *end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // no overlong 3-byte forms
      if (c == 0xED) high = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // no overlong 4-byte forms
      if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < length) return false;
    if (p[1] < low || p[1] > high) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += length;
  }
  return true;
}

}  // namespace detail
}  // namespace runtimo::wal
