// schema/enum_messages.cpp — naming the allowed values of a failed enum.
#include "schema/enum_messages.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace runtimo::schema {
namespace {

namespace json = boost::json;

// The JSON pointer's tokens, unescaped (~1 → /, ~0 → ~).
std::vector<std::string> tokens_of(std::string_view pointer) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < pointer.size() && pointer[pos] == '/') {
    const std::size_t next = pointer.find('/', pos + 1);
    std::string token(pointer.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos
                                                                              : next - pos - 1));
    std::string unescaped;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size()) {
        unescaped += token[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        unescaped += token[i];
      }
    }
    out.push_back(std::move(unescaped));
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return out;
}

// The subschema for the instance at `path`, following "properties" and "items" only.
const json::object *subschema_at(const json::value &schema, const std::string &path) {
  const json::object *current = schema.if_object();
  for (const std::string &token : tokens_of(path)) {
    if (current == nullptr) return nullptr;
    const json::object *next = nullptr;
    if (const auto *props = current->if_contains("properties"); props && props->is_object())
      if (const auto *p = props->as_object().if_contains(token)) next = p->if_object();
    if (next == nullptr)
      if (const auto *items = current->if_contains("items"); items && items->is_object())
        next = &items->as_object();
    current = next;
  }
  return current;
}

}  // namespace

void explain_enum_errors(const json::value &schema, const json::value &document,
                         std::vector<SchemaError> &errors) {
  for (SchemaError &e : errors) {
    if (!e.message.starts_with("Failed to match against any enum values")) continue;
    const json::object *sub = subschema_at(schema, e.path);
    const json::value *allowed = sub != nullptr ? sub->if_contains("enum") : nullptr;
    if (allowed == nullptr || !allowed->is_array()) continue;
    std::string list;
    for (const auto &v : allowed->as_array()) list += (list.empty() ? "" : ", ") + json::serialize(v);
    std::error_code ec;
    const json::value *given = document.find_pointer(e.path, ec);
    e.message = "must be one of " + list + (given != nullptr ? ", not " + json::serialize(*given) : "");
  }
}

}  // namespace runtimo::schema
