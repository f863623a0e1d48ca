// exec/journal_bounds.cpp — cutting journaled values to fit their line (see the header).
#include "exec/journal_bounds.hpp"

#include "util/digest.hpp"
#include "util/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace runtimo::exec {
namespace {

namespace json = boost::json;

// The envelope the writer adds around a body: {"seq":<20 digits>,"ts":"<27>","type":"<≤64>",
// "job":…,"crc":"xxxxxxxx"} and the newline (FORMAT.md).
constexpr std::uint64_t kEnvelopeBytes = 7 + 20 + 7 + 27 + 1 + 8 + 66 + 7 + 8 + 8 + 2 + 1;
constexpr std::size_t kMaxPointerBytes = 256;  // a cut's "path" is itself cut to this
constexpr std::uint64_t kTinyRoom = 64;        // below this a cut element is not worth keeping

// Serialised size of one byte of a string (boost::json escapes '"', '\\' and controls).
std::uint64_t escaped_byte(unsigned char c) {
  if (c == '"' || c == '\\') return 2;
  if (c >= 0x20) return 1;
  return (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') ? 2 : 6;
}

std::uint64_t string_size(std::string_view s) {
  std::uint64_t n = 2;
  for (unsigned char c : s) n += escaped_byte(c);
  return n;
}

template <class Int>
std::uint64_t digits(Int v) {
  char buf[24];
  return static_cast<std::uint64_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf);
}

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string pointer_for_record(const std::string &path) {
  if (path.size() <= kMaxPointerBytes) return path;
  return path.substr(0, util::utf8_cut(path, kMaxPointerBytes)) + "…";
}

// The largest prefix of `s` of at most `max_bytes` bytes that serialises within `budget`, cut
// at a UTF-8 boundary.
std::size_t string_cut(std::string_view s, std::uint64_t max_bytes, std::uint64_t budget) {
  std::uint64_t size = 2;
  std::size_t n = 0;
  const std::size_t limit = static_cast<std::size_t>(std::min<std::uint64_t>(s.size(), max_bytes));
  while (n < limit) {
    const std::uint64_t c = escaped_byte(static_cast<unsigned char>(s[n]));
    if (size + c > budget) break;
    size += c;
    ++n;
  }
  return util::utf8_cut(s, n);
}

}  // namespace

std::uint64_t serialized_size(const json::value &v) {
  switch (v.kind()) {
    case json::kind::null: return 4;
    case json::kind::bool_: return v.get_bool() ? 4 : 5;
    case json::kind::int64: return digits(v.get_int64());
    case json::kind::uint64: return digits(v.get_uint64());
    case json::kind::double_: return json::serialize(v).size();
    case json::kind::string: return string_size(v.get_string());
    case json::kind::array: {
      const auto &a = v.get_array();
      std::uint64_t n = 2 + (a.empty() ? 0 : a.size() - 1);
      for (const auto &e : a) n += serialized_size(e);
      return n;
    }
    case json::kind::object: {
      const auto &o = v.get_object();
      std::uint64_t n = 2 + (o.empty() ? 0 : o.size() - 1);
      for (const auto &m : o) n += string_size(m.key()) + 1 + serialized_size(m.value());
      return n;
    }
  }
  return 0;
}

json::value JournalBounds::fit(const json::value &v, std::uint64_t budget, const std::string &path,
                               json::array &truncated) const {
  if (v.is_string()) {
    const std::string_view s = v.get_string();
    const std::size_t cut = string_cut(s, max_string_bytes, std::max<std::uint64_t>(budget, 2));
    if (cut == s.size()) return v;
    truncated.push_back(json::object{{"path", pointer_for_record(path)},
                                     {"bytes", s.size()},
                                     {"kept", cut},
                                     {"sha256", util::sha256_hex(s)}});
    return json::string(s.substr(0, cut));
  }
  if (!v.is_array() && !v.is_object()) return v;

  // Members in order while they fit; a member that needs cutting gets the room that is left.
  const bool is_array = v.is_array();
  json::array out_array;
  json::object out_object;
  std::uint64_t used = 2;
  std::size_t kept = 0;
  const std::size_t count = is_array ? v.get_array().size() : v.get_object().size();
  auto add = [&](std::string_view key, const json::value &member, const std::string &member_path) {
    const std::uint64_t overhead = (kept == 0 ? 0 : 1) + (is_array ? 0 : string_size(key) + 1);
    if (used + overhead + 2 > budget) return false;
    const std::uint64_t room = budget - used - overhead;
    const std::size_t records = truncated.size();
    json::value fitted = fit(member, room, member_path, truncated);
    const std::uint64_t size = serialized_size(fitted);
    const bool cut = truncated.size() != records;
    if (size > room || (cut && room < kTinyRoom)) {
      truncated.erase(truncated.begin() + static_cast<std::ptrdiff_t>(records), truncated.end());
      return false;
    }
    if (is_array) out_array.push_back(std::move(fitted));
    else out_object[key] = std::move(fitted);
    used += overhead + size;
    ++kept;
    return true;
  };
  if (is_array) {
    std::size_t i = 0;
    for (const auto &e : v.get_array())
      if (!add({}, e, path + "/" + std::to_string(i++))) break;
  } else {
    for (const auto &m : v.get_object())
      if (!add(m.key(), m.value(), path + "/" + escape_pointer_token(m.key()))) break;
  }
  if (kept < count) {
    const std::string full = json::serialize(v);
    truncated.push_back(json::object{{"path", pointer_for_record(path)},
                                     {"bytes", full.size()},
                                     {"kept", kept},
                                     {"of", count},
                                     {"sha256", util::sha256_hex(full)}});
  }
  if (is_array) return out_array;
  return out_object;
}

BoundedBody::BoundedBody(const JournalBounds &bounds, std::string_view job_id)
    : bounds_(bounds),
      used_(kEnvelopeBytes + string_size(job_id) + bounds.max_line_bytes / 8) {}

std::uint64_t BoundedBody::room() const {
  return used_ >= bounds_.max_line_bytes ? 0 : bounds_.max_line_bytes - used_;
}

void BoundedBody::put(std::string_view key, json::value value) {
  used_ += 1 + string_size(key) + 1 + serialized_size(value);
  body_[key] = std::move(value);
}

void BoundedBody::fit(std::string_view key, const json::value &value, std::uint64_t share) {
  const std::uint64_t overhead = 1 + string_size(key) + 1;
  const std::uint64_t budget = std::min(share, room() > overhead ? room() - overhead : 2);
  json::value fitted = bounds_.fit(value, budget, "/" + std::string(key), truncated_);
  used_ += overhead + serialized_size(fitted);
  body_[key] = std::move(fitted);
}

json::object BoundedBody::take() {
  if (!truncated_.empty()) {
    // The list keeps to the room reserved for it (an eighth of the line); the rest is counted.
    const std::uint64_t reserve = bounds_.max_line_bytes / 8;
    json::array kept;
    std::uint64_t size = 2;
    for (std::size_t i = 0; i < truncated_.size(); ++i) {
      const std::uint64_t entry = serialized_size(truncated_[i]) + 1;
      if (size + entry + 32 > reserve) {
        kept.push_back(json::object{{"more", truncated_.size() - i}});
        break;
      }
      size += entry;
      kept.push_back(std::move(truncated_[i]));
    }
    body_["truncated"] = std::move(kept);
  }
  return std::move(body_);
}

}  // namespace runtimo::exec
