// schema/json_pointer.hpp — building RFC 6901 JSON pointers one reference token at a time.
//
// Owns: the escaping rule ('~' → "~0", '/' → "~1") shared by the keyword allow-list walk and
// the conversion of valijson's error context into pointers.
#pragma once

#include <string>
#include <string_view>

namespace runtimo::schema {

// `pointer` + "/" + the escaped `token`: append_token("/properties", "a/b") == "/properties/a~1b".
inline std::string append_token(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out.reserve(pointer.size() + token.size() + 1);
  out.push_back('/');
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace runtimo::schema
