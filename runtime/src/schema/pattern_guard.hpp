// schema/pattern_guard.hpp — keeps over-long strings away from "pattern".
//
// Owns: the input limit for regular expressions. valijson 1.0 checks "pattern" with std::regex,
// whose libstdc++ matcher recurses once per input character: a 100 000-character string
// against "^[a-z ]+$" overflows an 8 MiB stack and kills the host (measured: ~250-500 bytes of
// stack per character). Arguments come from agents, so before valijson runs, every string the
// schema could test against a pattern (found by walking "properties", "additionalProperties",
// "items" and the anyOf/oneOf/allOf/not branches) must be at most kMaxPatternInput bytes;
// longer ones are reported as errors and valijson is not run. The same holds for "format"
// date, time and date-time, which valijson checks with std::regex too. Strings no pattern or
// format can reach are not limited.
#pragma once

#include "schema/schema_validator.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace runtimo::schema {

// Largest string checked against a pattern: at most ~2 MiB of matcher stack.
inline constexpr std::size_t kMaxPatternInput = 4096;

class PatternGuard {
 public:
  // Records where in a document `schema` applies a "pattern" (schema already vetted by
  // check_schema_structure and the meta-schema).
  explicit PatternGuard(const boost::json::value &schema);
  ~PatternGuard();
  PatternGuard(PatternGuard &&) noexcept;
  PatternGuard &operator=(PatternGuard &&) noexcept;

  // Appends one error per string of `document` that a pattern may test and that is longer
  // than kMaxPatternInput. No errors: valijson may run on `document`.
  void check(const boost::json::value &document, std::vector<SchemaError> &errors) const;

  struct Location;

 private:
  std::unique_ptr<Location> root_;  // null when the schema has no pattern at all
};

}  // namespace runtimo::schema
