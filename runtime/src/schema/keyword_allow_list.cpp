// schema/keyword_allow_list.cpp — the dialect rule, the keyword allow-list walk and the
// pattern check (see the header).
#include "schema/keyword_allow_list.hpp"

#include "schema/draft07_meta_schema.hpp"
#include "schema/json_pointer.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace runtimo::schema {
namespace {

namespace json = boost::json;

// The keywords draft-07 and 2020-12 both define with the same meaning, minus everything that
// needs reference resolution or conditional evaluation.
constexpr std::array<std::string_view, 35> kAllowed = {
    "$schema",   "$id",          "title",      "description",          "default",
    "examples",  "type",         "properties", "required",             "additionalProperties",
    "enum",      "const",        "minLength",  "maxLength",            "pattern",
    "minimum",   "maximum",      "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "items",     "minItems",     "maxItems",   "uniqueItems",          "anyOf",
    "oneOf",     "allOf",        "not",        "minProperties",        "maxProperties",
    "format",    "readOnly",     "writeOnly",  "deprecated",           "patternProperties",
};

// What to write instead of a keyword that is refused.
std::string_view hint_for(std::string_view keyword) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kHints = {{
      {"$ref", "inline the referenced sub-schema"},
      {"$defs", "inline the sub-schemas where they are used"},
      {"definitions", "inline the sub-schemas where they are used"},
      {"$dynamicRef", "inline the referenced sub-schema"},
      {"if", "express the condition with anyOf/oneOf"},
      {"then", "express the condition with anyOf/oneOf"},
      {"else", "express the condition with anyOf/oneOf"},
      {"propertyNames", "list the properties under \"properties\""},
      {"dependencies", "express the dependency with anyOf/oneOf and \"required\""},
      {"prefixItems", "describe array elements with one \"items\" schema"},
      {"additionalItems", "describe array elements with one \"items\" schema"},
      {"contains", "describe array elements with one \"items\" schema"},
      {"unevaluatedProperties", "use \"additionalProperties\""},
  }};
  for (const auto &[name, hint] : kHints) {
    if (name == keyword) return hint;
  }
  return "use only title, description, type, properties, required, additionalProperties, "
         "enum, const, the numeric/string/array/object bounds, pattern, patternProperties, format, "
         "items, anyOf, oneOf, allOf, not and the annotations";
}

// The state of one walk: where problems go and where compiled patterns go.
struct Walk {
  std::vector<SchemaError> &problems;
  PatternSet &patterns;
};

// `what` names the pattern in the message: "\"pattern\"" or "the \"patternProperties\" name".
void check_pattern(std::string_view text, std::string_view what, const std::string &path, Walk &w) {
  std::string why;
  if (w.patterns.add(text, why) == nullptr) {
    w.problems.push_back({path, std::string(what) + " " + why});
  }
}

void walk(const json::value &schema, const std::string &path, Walk &w);

void walk_each(const json::value &list, const std::string &path, Walk &w) {
  if (!list.is_array()) return;  // the meta-schema reports the wrong type
  const json::array &items = list.get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    walk(items[i], append_token(path, std::to_string(i)), w);
  }
}

// `schema` is a (sub-)schema: an object whose keys are keywords, or a boolean.
void walk(const json::value &schema, const std::string &path, Walk &w) {
  std::vector<SchemaError> &problems = w.problems;
  if (schema.is_bool()) return;
  if (!schema.is_object()) {
    problems.push_back({path, "a schema must be a JSON object or a boolean"});
    return;
  }
  for (const auto &member : schema.get_object()) {
    const std::string_view keyword = member.key();
    const std::string here = append_token(path, keyword);
    if (!is_allowed_keyword(keyword)) {
      problems.push_back({here, "keyword \"" + std::string(keyword) +
                                    "\" is not allowed in a Runtimo schema (only keywords that "
                                    "draft-07 and 2020-12 read the same way are): " +
                                    std::string(hint_for(keyword))});
      continue;
    }
    const json::value &value = member.value();
    if (keyword == "properties") {
      // Inside "properties" the keys are property names, each mapping to a sub-schema.
      if (!value.is_object()) continue;
      for (const auto &property : value.get_object()) {
        walk(property.value(), append_token(here, property.key()), w);
      }
    } else if (keyword == "patternProperties") {
      // The keys are patterns, each mapping to a sub-schema.
      if (!value.is_object()) continue;
      for (const auto &property : value.get_object()) {
        const std::string at = append_token(here, property.key());
        check_pattern(property.key(), "the \"patternProperties\" name", at, w);
        walk(property.value(), at, w);
      }
    } else if (keyword == "additionalProperties" || keyword == "not") {
      walk(value, here, w);
    } else if (keyword == "items") {
      if (value.is_array()) {
        problems.push_back({here, "the array form of \"items\" means different things in "
                                  "draft-07 and 2020-12: give one schema for every element"});
      } else {
        walk(value, here, w);
      }
    } else if (keyword == "anyOf" || keyword == "oneOf" || keyword == "allOf") {
      walk_each(value, here, w);
    } else if (keyword == "pattern") {
      // Not a string: the meta-schema reports the wrong type.
      if (value.is_string()) check_pattern(value.get_string(), "\"pattern\"", here, w);
    }
    // Every other allowed keyword holds data (enum, const, default, bounds...), not schemas.
  }
}

bool is_draft07_uri(std::string_view uri) {
  return uri == kDraft07Uri || uri == kDraft07Uri.substr(0, kDraft07Uri.size() - 1);
}

}  // namespace

bool is_allowed_keyword(std::string_view keyword) {
  return std::find(kAllowed.begin(), kAllowed.end(), keyword) != kAllowed.end();
}

void check_schema_structure(const json::value &schema, std::vector<SchemaError> &problems,
                            PatternSet &patterns) {
  if (!schema.is_object()) {
    problems.push_back({"", "the schema must be a JSON object (found " +
                                std::string(json::to_string(schema.kind())) + ")"});
    return;
  }
  const json::object &root = schema.get_object();
  const json::value *dialect = root.if_contains("$schema");
  if (dialect == nullptr) {
    problems.push_back({"/$schema", "\"$schema\" is missing: declare \"" +
                                        std::string(kDraft07Uri) + "\""});
  } else if (!dialect->is_string() || !is_draft07_uri(dialect->get_string())) {
    problems.push_back({"/$schema", "\"$schema\" must be \"" + std::string(kDraft07Uri) +
                                        "\" (found " + json::serialize(*dialect) +
                                        "): Runtimo validates draft-07 only"});
  }
  const json::value *type = root.if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string() != "object") {
    problems.push_back({"/type", "the top-level \"type\" must be \"object\" (found " +
                                     (type == nullptr ? std::string("nothing")
                                                      : json::serialize(*type)) +
                                     "): capability arguments are a JSON object"});
  }
  Walk w{problems, patterns};
  walk(schema, "", w);
}

}  // namespace runtimo::schema
