// wal/line_codec.cpp — the line codec: sealing a line with its crc member and assembling event
// lines for the writer (FORMAT.md, "Lines" and "CRC"). Checking lines is line_check.cpp.
#include "wal/line_codec.hpp"

#include "util/utf8.hpp"
#include "wal/crc32c.hpp"
#include "wal/journal.hpp"

#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace runtimo::wal {

namespace {

using detail::kCrcMemberTail;
using detail::kCrcOpen;

bool is_reserved_member(std::string_view key) {
  return key == "seq" || key == "ts" || key == "type" || key == "job" || key == "crc";
}

// Every string (keys included) of an event must be valid UTF-8, or its line would not parse.
void require_utf8_string(std::string_view text, std::string_view where) {
  if (!util::is_valid_utf8(text)) {
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

namespace detail {

void append_hex8(std::string &out, std::uint32_t value) {
  constexpr char kHexDigits[] = "0123456789abcdef";
  for (int shift = 28; shift >= 0; shift -= 4) out += kHexDigits[(value >> shift) & 0xF];
}

void append_crc_member(std::string &serialized_object) {
  Crc32c crc_of;
  crc_of.update(serialized_object);
  std::uint32_t crc = crc_of.value();
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

}  // namespace detail
}  // namespace runtimo::wal
