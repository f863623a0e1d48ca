// schema/regex_constraints.cpp — the RE2-backed valijson constraints (see the header).
#include "schema/regex_constraints.hpp"

#include <array>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace runtimo::schema {
namespace {

using valijson::adapters::BoostJsonAdapter;

// Validates `value` against `schema` as valijson does a child: errors go to `results` (when
// not null) under `context`. Every value valijson hands a constraint here is a
// BoostJsonAdapter (the only adapter the module uses), so the child gets valijson's own
// visitor for it.
bool validate_child(const valijson::Schema &schema, const Adapter &value,
                    std::vector<std::string> context, ValidationResults *results) {
  const auto *json_value = dynamic_cast<const BoostJsonAdapter *>(&value);
  if (json_value == nullptr)
    throw std::logic_error("a schema constraint was given a non-Boost.JSON value");
  // The visitor's cache of std::regex objects for valijson's own "pattern" constraint: a
  // schema parsed by valijson_schema.cpp has none, so it stays empty.
  std::unordered_map<std::string, std::regex> unused_regex_cache;
  valijson::ValidationVisitor<BoostJsonAdapter> visitor(*json_value, std::move(context),
                                                        /*strictTypes=*/true, results,
                                                        unused_regex_cache);
  return visitor.validateSchema(schema);
}

// valijson 1.0's expressions for the formats (validation_visitor.hpp), anchored, so a search
// is a full match. The year is [0-9]+, so the month starts one byte after the first '-' and
// the day three bytes after it.
constexpr std::array<std::string_view, 3> kFormatExpressions = {
    R"(^([0-9]+)-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$)",
    R"(^([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?(([Zz])|([\+|\-]([01][0-9]|2[0-3]):[0-5][0-9]))$)",
    R"(^([0-9]+)-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?(([Zz])|([\+|\-]([01][0-9]|2[0-3]):[0-5][0-9]))$)",
};
constexpr std::array<const char *, 3> kFormatMessages = {"String should be a valid date",
                                                         "String should be a valid time",
                                                         "String should be a valid date-time"};

const Pattern &format_pattern(FormatConstraint::Kind kind) {
  static const std::array<std::unique_ptr<const Pattern>, 3> compiled = [] {
    std::array<std::unique_ptr<const Pattern>, 3> out;
    for (std::size_t i = 0; i < out.size(); ++i) {
      std::string why;
      out[i] = Pattern::compile(kFormatExpressions[i], why);
      if (!out[i]) throw std::logic_error("a built-in format expression " + why);
    }
    return out;
  }();
  return *compiled[static_cast<std::size_t>(kind)];
}

// Days in `month` as valijson counts them (February: 29, whatever the year).
bool day_exists(int month, int day) {
  if (month == 2) return day <= 29;
  const bool short_month = month <= 7 ? month % 2 == 0 : month % 2 != 0;
  return day <= (short_month ? 30 : 31);
}

int two_digits(std::string_view text, std::size_t at) {
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

}  // namespace

bool PatternConstraint::validate(const Adapter &target, const std::vector<std::string> &context,
                                 ValidationResults *results) const {
  if (!target.isString()) return true;
  if (pattern_->search(target.getString())) return true;
  if (results != nullptr)
    results->pushError(context, "does not match the pattern " + pattern_->quoted());
  return false;
}

bool FormatConstraint::kind_of(std::string_view format, Kind &kind) {
  if (format == "date") {
    kind = Kind::date;
  } else if (format == "time") {
    kind = Kind::time;
  } else if (format == "date-time") {
    kind = Kind::date_time;
  } else {
    return false;
  }
  return true;
}

bool FormatConstraint::validate(const Adapter &target, const std::vector<std::string> &context,
                                ValidationResults *results) const {
  if (!target.isString()) return true;
  const std::string text = target.getString();
  bool valid = format_pattern(kind_).search(text);
  if (valid && kind_ != Kind::time) {
    const std::size_t dash = text.find('-');
    valid = day_exists(two_digits(text, dash + 1), two_digits(text, dash + 4));
  }
  if (!valid && results != nullptr) {
    results->pushError(context, kFormatMessages[static_cast<std::size_t>(kind_)]);
  }
  return valid;
}

bool MembersConstraint::validate(const Adapter &target, const std::vector<std::string> &context,
                                 ValidationResults *results) const {
  if (!target.isObject()) return true;
  bool valid = true;
  // valijson stops at the first failure when nobody collects the errors (results == null).
  target.applyToObject([&](const std::string &name, const Adapter &value) {
    std::vector<std::string> at = context;
    at.push_back("[" + name + "]");
    bool matched = rules_->listed.contains(name);
    for (const MemberRules::PatternRule &rule : rules_->patterns) {
      if (!rule.pattern->search(name)) continue;
      matched = true;
      if (validate_child(*rule.schema, value, at, results)) continue;
      valid = false;
      if (results == nullptr) return false;
      results->pushError(context, "Failed to validate against schema associated with pattern " +
                                      rule.pattern->quoted() + ".");
    }
    if (matched || rules_->additional == MemberRules::Additional::any) return true;
    if (rules_->additional == MemberRules::Additional::none) {
      valid = false;
      if (results == nullptr) return false;
      results->pushError(context,
                         "Object contains a property that could not be validated using "
                         "'properties', 'patternProperties' or 'additionalProperties' "
                         "constraints: '" +
                             name + "'.");
      return true;
    }
    if (!validate_child(*rules_->additional_schema, value, at, results)) {
      valid = false;
      if (results == nullptr) return false;
      results->pushError(context, "Failed to validate against additional properties schema");
    }
    return true;
  });
  return valid;
}

}  // namespace runtimo::schema
