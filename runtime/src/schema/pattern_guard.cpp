// schema/pattern_guard.cpp — where patterns apply, and the length check (see the header).
#include "schema/pattern_guard.hpp"

#include "schema/json_pointer.hpp"

#include <boost/json.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>

namespace runtimo::schema {

namespace json = boost::json;

// One location of a document, as the schema sees it. Branches (anyOf, oneOf, allOf, not)
// apply at the same location, so they merge into the same Location.
struct PatternGuard::Location {
  // The keyword that runs a std::regex on a string here ("pattern", or "format" for the
  // formats valijson checks with regular expressions), or nullptr.
  const char *regex_keyword = nullptr;
  std::map<std::string, std::unique_ptr<Location>> properties;
  // "additionalProperties" schemas: each applies to the keys its sibling "properties" lacks.
  std::vector<std::pair<std::set<std::string>, std::unique_ptr<Location>>> other_properties;
  std::unique_ptr<Location> items;

  bool reaches_pattern() const {
    if (regex_keyword != nullptr || (items && items->reaches_pattern())) return true;
    for (const auto &[name, child] : properties) {
      if (child->reaches_pattern()) return true;
    }
    for (const auto &[listed, child] : other_properties) {
      if (child->reaches_pattern()) return true;
    }
    return false;
  }
};

namespace {

using Location = PatternGuard::Location;

void record(const json::value &schema, Location &here) {
  if (!schema.is_object()) return;  // boolean schemas test nothing
  const json::object &object = schema.get_object();
  if (const json::value *format = object.if_contains("format"); format && format->is_string()) {
    const json::string &name = format->get_string();
    if (name == "date" || name == "time" || name == "date-time") here.regex_keyword = "format";
  }
  if (const json::value *pattern = object.if_contains("pattern"); pattern && pattern->is_string()) {
    here.regex_keyword = "pattern";
  }
  std::set<std::string> listed;
  if (const json::value *properties = object.if_contains("properties");
      properties && properties->is_object()) {
    for (const auto &member : properties->get_object()) {
      listed.emplace(member.key());
      auto &child = here.properties[std::string(member.key())];
      if (!child) child = std::make_unique<Location>();
      record(member.value(), *child);
    }
  }
  if (const json::value *other = object.if_contains("additionalProperties");
      other && other->is_object()) {
    auto child = std::make_unique<Location>();
    record(*other, *child);
    here.other_properties.emplace_back(std::move(listed), std::move(child));
  }
  if (const json::value *items = object.if_contains("items"); items && items->is_object()) {
    if (!here.items) here.items = std::make_unique<Location>();
    record(*items, *here.items);
  }
  for (const char *branches : {"anyOf", "oneOf", "allOf"}) {
    if (const json::value *list = object.if_contains(branches); list && list->is_array()) {
      for (const json::value &branch : list->get_array()) record(branch, here);
    }
  }
  if (const json::value *negated = object.if_contains("not")) record(*negated, here);
}

void check_at(const json::value &value, const Location &here, const std::string &path,
              std::vector<SchemaError> &errors) {
  if (value.is_string()) {
    const std::size_t size = value.get_string().size();
    if (here.regex_keyword != nullptr && size > kMaxPatternInput) {
      errors.push_back({path, "string of " + std::to_string(size) +
                                  " bytes is too long to be checked against its \"" +
                                  here.regex_keyword + "\" (at most " +
                                  std::to_string(kMaxPatternInput) + " bytes)"});
    }
  } else if (value.is_object()) {
    for (const auto &member : value.get_object()) {
      const std::string key(member.key());
      if (const auto it = here.properties.find(key); it != here.properties.end()) {
        check_at(member.value(), *it->second, append_token(path, key), errors);
      }
      for (const auto &[listed, child] : here.other_properties) {
        if (listed.count(key) == 0) check_at(member.value(), *child, append_token(path, key), errors);
      }
    }
  } else if (value.is_array() && here.items) {
    const json::array &array = value.get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      check_at(array[i], *here.items, append_token(path, std::to_string(i)), errors);
    }
  }
}

}  // namespace

PatternGuard::PatternGuard(const json::value &schema) : root_(std::make_unique<Location>()) {
  record(schema, *root_);
  if (!root_->reaches_pattern()) root_.reset();
}

PatternGuard::~PatternGuard() = default;
PatternGuard::PatternGuard(PatternGuard &&) noexcept = default;
PatternGuard &PatternGuard::operator=(PatternGuard &&) noexcept = default;

void PatternGuard::check(const json::value &document, std::vector<SchemaError> &errors) const {
  if (root_) check_at(document, *root_, "", errors);
}

}  // namespace runtimo::schema
