// util/json_members.hpp — reading one string member of a JSON object that may be absent or of
// another type (journal events, protocol messages, cached verdicts): "" then, never a throw.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace runtimo::util {

// A view of the string member `key` of `o` (valid while `o` is), or "" when there is none.
inline std::string_view string_view_member(const boost::json::object &o, std::string_view key) {
  const boost::json::value *v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}
inline std::string_view string_view_member(const boost::json::value &v, std::string_view key) {
  return v.is_object() ? string_view_member(v.get_object(), key) : std::string_view{};
}

// The same, copied.
inline std::string string_member(const boost::json::object &o, std::string_view key) {
  return std::string(string_view_member(o, key));
}
inline std::string string_member(const boost::json::value &v, std::string_view key) {
  return std::string(string_view_member(v, key));
}

}  // namespace runtimo::util
