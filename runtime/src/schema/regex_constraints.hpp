// schema/regex_constraints.hpp — the valijson constraints that match a schema's regular
// expressions with RE2 (pattern.hpp).
//
// Owns: what "pattern", "patternProperties" (with the "additionalProperties" beside it) and
// "format" check when arguments are validated, and their messages. They are valijson
// PolyConstraints, its extension point for custom keywords: valijson_schema.cpp renames those
// keywords in the copy of a schema it gives valijson's parser and registers a ConstraintBuilder
// that makes these, so valijson's own std::regex versions are never built. Every constraint
// is immutable once parsed: many threads may validate with one at once.
#pragma once

#include "schema/pattern.hpp"
#include "schema/valijson.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace runtimo::schema {

using valijson::ValidationResults;
using valijson::adapters::Adapter;

// What valijson needs of every PolyConstraint besides validate(): copying it into memory
// valijson allocates (a schema owns copies of its constraints).
template <typename Derived>
class CopyablePolyConstraint : public valijson::constraints::PolyConstraint {
 private:
  Constraint *cloneInto(void *memory) const override {
    return new (memory) Derived(static_cast<const Derived &>(*this));
  }
  std::size_t sizeOf() const override { return sizeof(Derived); }
};

// "pattern": a string must contain a match of the pattern; other values pass.
class PatternConstraint final : public CopyablePolyConstraint<PatternConstraint> {
 public:
  explicit PatternConstraint(const Pattern &pattern) : pattern_(&pattern) {}
  bool validate(const Adapter &target, const std::vector<std::string> &context,
                ValidationResults *results) const override;

 private:
  const Pattern *pattern_;
};

// "format" "date", "time" or "date-time": valijson 1.0's grammar (RFC 3339 full-date,
// full-time, date-time) and its day-of-month check, matched with RE2. Other values pass.
class FormatConstraint final : public CopyablePolyConstraint<FormatConstraint> {
 public:
  enum class Kind { date, time, date_time };
  // Sets `kind` to the kind `format` names; false for the formats nothing checks (annotations).
  static bool kind_of(std::string_view format, Kind &kind);
  explicit FormatConstraint(Kind kind) : kind_(kind) {}
  bool validate(const Adapter &target, const std::vector<std::string> &context,
                ValidationResults *results) const override;

 private:
  Kind kind_;
};

// What an object schema with "patternProperties" says about each member: its value must pass
// the schema of every pattern its name matches; a member neither listed under "properties"
// (valijson checks those) nor matched by a pattern is an additional property.
struct MemberRules {
  struct PatternRule {
    const Pattern *pattern;
    std::unique_ptr<const valijson::Schema> schema;
  };
  enum class Additional { any, none, schema };

  std::set<std::string, std::less<>> listed;
  std::vector<PatternRule> patterns;
  Additional additional = Additional::any;
  std::unique_ptr<const valijson::Schema> additional_schema;  // when Additional::schema
};

// "patternProperties" with its "additionalProperties": applies MemberRules.
class MembersConstraint final : public CopyablePolyConstraint<MembersConstraint> {
 public:
  explicit MembersConstraint(const MemberRules &rules) : rules_(&rules) {}
  bool validate(const Adapter &target, const std::vector<std::string> &context,
                ValidationResults *results) const override;

 private:
  const MemberRules *rules_;
};

}  // namespace runtimo::schema
