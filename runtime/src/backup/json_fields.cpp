// backup/json_fields.cpp — see json_fields.hpp.
#include "backup/json_fields.hpp"

#include "backup/backup_error.hpp"
#include "backup/base64.hpp"
#include "util/utf8.hpp"

#include <limits>

namespace runtimo::backup {

void put_bytes(boost::json::object &o, std::string_view key, std::string_view bytes) {
  if (util::is_valid_utf8(bytes)) {
    o[key] = bytes;
  } else {
    o[std::string(key) + "_base64"] = base64_encode(bytes);
  }
}

std::string get_bytes(const boost::json::object &o, std::string_view key, std::string_view what) {
  const std::string encoded_key = std::string(key) + "_base64";
  const bool text = o.contains(key);
  const bool encoded = o.contains(encoded_key);
  if (text == encoded)
    malformed(what, key, text ? "both it and " + encoded_key + " are present" : "missing");
  if (text) return get_string(o, key, what);
  auto bytes = base64_decode(get_string(o, encoded_key, what));
  if (!bytes) malformed(what, encoded_key, "not canonical base64");
  return std::move(*bytes);
}

void malformed(std::string_view what, std::string_view field, std::string_view problem) {
  throw BackupError("malformed " + std::string(what) + ": " + std::string(field) + ": " +
                    std::string(problem));
}

const boost::json::value &required(const boost::json::object &o, std::string_view key,
                                   std::string_view what) {
  const auto *v = o.if_contains(key);
  if (v == nullptr) malformed(what, key, "missing");
  return *v;
}

std::uint64_t get_unsigned(const boost::json::object &o, std::string_view key, std::uint64_t max,
                           std::string_view what) {
  const auto &v = required(o, key, what);
  std::uint64_t n = 0;
  if (v.is_uint64()) {
    n = v.get_uint64();
  } else if (v.is_int64() && v.get_int64() >= 0) {
    n = static_cast<std::uint64_t>(v.get_int64());
  } else {
    malformed(what, key, "not a non-negative integer");
  }
  if (n > max) malformed(what, key, "above " + std::to_string(max));
  return n;
}

std::int64_t get_signed(const boost::json::object &o, std::string_view key, std::string_view what) {
  const auto &v = required(o, key, what);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() &&
      v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  malformed(what, key, "not a 64-bit integer");
}

std::string get_string(const boost::json::object &o, std::string_view key, std::string_view what) {
  const auto &v = required(o, key, what);
  if (!v.is_string()) malformed(what, key, "not a string");
  return std::string(v.get_string());
}

}  // namespace runtimo::backup
