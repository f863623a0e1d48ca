// schema/valijson_schema.cpp — the renaming copy and the custom-keyword builders (see the
// header).
#include "schema/valijson_schema.hpp"

#include "schema/regex_constraints.hpp"
#include "schema/valijson.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <utility>

namespace runtimo::schema {

namespace json = boost::json;

struct ValijsonSchema::Parts {
  // Stable addresses: constraints point at their rules.
  std::deque<MemberRules> rules;
  std::unique_ptr<const valijson::Schema> root;
};

namespace {

constexpr const char *kPatternKeyword = "$runtimo:pattern";
constexpr const char *kFormatKeyword = "$runtimo:format";
constexpr const char *kMembersKeyword = "$runtimo:members";

// valijson deletes the builders registered on a parser with the parser.
class PatternBuilder final : public valijson::ConstraintBuilder {
 public:
  explicit PatternBuilder(const PatternSet &patterns) : patterns_(patterns) {}
  valijson::constraints::Constraint *make(const Adapter &value) const override {
    const Pattern *pattern = patterns_.find(value.getString());
    if (pattern == nullptr)
      throw std::logic_error("a pattern was not compiled when the schema was checked");
    return new PatternConstraint(*pattern);
  }

 private:
  const PatternSet &patterns_;
};

class FormatBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint *make(const Adapter &value) const override {
    FormatConstraint::Kind kind{};
    if (!FormatConstraint::kind_of(value.getString(), kind))
      throw std::logic_error("not a regex format");
    return new FormatConstraint(kind);
  }
};

class MembersBuilder final : public valijson::ConstraintBuilder {
 public:
  explicit MembersBuilder(const std::deque<MemberRules> &rules) : rules_(rules) {}
  valijson::constraints::Constraint *make(const Adapter &value) const override {
    return new MembersConstraint(rules_.at(static_cast<std::size_t>(value.getInteger())));
  }

 private:
  const std::deque<MemberRules> &rules_;
};

// Makes the copies and parses them, for one ValijsonSchema.
class Parser {
 public:
  Parser(const PatternSet &patterns, std::deque<MemberRules> &rules)
      : patterns_(patterns), rules_(rules) {}

  std::unique_ptr<const valijson::Schema> parse(const json::value &schema) {
    const json::value copy = rename(schema);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.addConstraintBuilder(kPatternKeyword, new PatternBuilder(patterns_));
    parser.addConstraintBuilder(kFormatKeyword, new FormatBuilder());
    parser.addConstraintBuilder(kMembersKeyword, new MembersBuilder(rules_));
    auto out = std::make_unique<valijson::Schema>();
    parser.populateSchema(valijson::adapters::BoostJsonAdapter(copy), *out);
    return out;
  }

 private:
  // The copy of sub-schema `schema` (an object or a boolean) valijson reads.
  json::value rename(const json::value &schema) {
    if (!schema.is_object()) return schema;
    const json::object &in = schema.get_object();
    json::object out;
    for (const auto &member : in) {
      const std::string_view keyword = member.key();
      const json::value &value = member.value();
      if (keyword == "pattern") {
        out[kPatternKeyword] = value;
      } else if (keyword == "format") {
        FormatConstraint::Kind kind{};
        if (value.is_string() && FormatConstraint::kind_of(value.get_string(), kind)) {
          out[kFormatKeyword] = value;
        }
      } else if (keyword == "$id" || keyword == "patternProperties") {
        continue;  // patternProperties: below
      } else if (keyword == "additionalProperties") {
        if (!in.contains("patternProperties")) out[keyword] = rename(value);
      } else if (keyword == "properties") {
        json::object properties;
        for (const auto &property : value.as_object()) {
          properties[property.key()] = rename(property.value());
        }
        out[keyword] = std::move(properties);
      } else if (keyword == "items" || keyword == "not") {
        out[keyword] = rename(value);
      } else if (keyword == "anyOf" || keyword == "oneOf" || keyword == "allOf") {
        json::array branches;
        for (const json::value &branch : value.as_array()) branches.push_back(rename(branch));
        out[keyword] = std::move(branches);
      } else {
        out[keyword] = value;  // a data keyword or an annotation
      }
    }
    if (const json::value *patterns = in.if_contains("patternProperties")) {
      out[kMembersKeyword] = add_rules(in, patterns->as_object());
    }
    return out;
  }

  // The MemberRules of object schema `in`; returns their index.
  std::int64_t add_rules(const json::object &in, const json::object &patterns) {
    MemberRules rules;
    if (const json::value *listed = in.if_contains("properties")) {
      for (const auto &property : listed->as_object()) rules.listed.emplace(property.key());
    }
    for (const auto &entry : patterns) {
      const Pattern *pattern = patterns_.find(entry.key());
      if (pattern == nullptr)
        throw std::logic_error("a pattern was not compiled when the schema was checked");
      rules.patterns.push_back({pattern, parse(entry.value())});
    }
    if (const json::value *additional = in.if_contains("additionalProperties")) {
      if (additional->is_bool()) {
        rules.additional =
            additional->get_bool() ? MemberRules::Additional::any : MemberRules::Additional::none;
      } else {
        rules.additional = MemberRules::Additional::schema;
        rules.additional_schema = parse(*additional);
      }
    }
    rules_.push_back(std::move(rules));
    return static_cast<std::int64_t>(rules_.size() - 1);
  }

  const PatternSet &patterns_;
  std::deque<MemberRules> &rules_;
};

}  // namespace

ValijsonSchema::ValijsonSchema(const json::value &schema, const PatternSet &patterns)
    : parts_(std::make_unique<Parts>()) {
  parts_->root = Parser(patterns, parts_->rules).parse(schema);
}

ValijsonSchema::~ValijsonSchema() = default;

const valijson::Schema &ValijsonSchema::root() const {
  return *parts_->root;
}

}  // namespace runtimo::schema
