// exec/journal_bounds.cpp — bounding strings in journaled JSON.
#include "exec/journal_bounds.hpp"

#include "util/digest.hpp"
#include "util/utf8.hpp"

#include <boost/json.hpp>

namespace runtimo::exec {
namespace {

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

boost::json::value bound_for_journal(const boost::json::value &v, std::uint64_t max_bytes,
                                     const std::string &path, boost::json::array &truncated) {
  switch (v.kind()) {
    case boost::json::kind::string: {
      const std::string_view s = v.get_string();
      if (s.size() <= max_bytes) return v;
      const std::size_t cut = util::utf8_cut(s, static_cast<std::size_t>(max_bytes));
      truncated.push_back(boost::json::object{{"path", path},
                                              {"bytes", s.size()},
                                              {"kept", cut},
                                              {"sha256", util::sha256_hex(s)}});
      return boost::json::string(s.substr(0, cut));
    }
    case boost::json::kind::object: {
      boost::json::object out;
      for (const auto &[k, sub] : v.get_object())
        out[k] = bound_for_journal(sub, max_bytes, path + "/" + escape_pointer_token(k), truncated);
      return out;
    }
    case boost::json::kind::array: {
      boost::json::array out;
      std::size_t i = 0;
      for (const auto &sub : v.get_array())
        out.push_back(bound_for_journal(sub, max_bytes, path + "/" + std::to_string(i++), truncated));
      return out;
    }
    default:
      return v;
  }
}

}  // namespace runtimo::exec
