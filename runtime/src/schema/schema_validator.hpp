// schema/schema_validator.hpp — JSON Schema (draft-07) checks with valijson, regular
// expressions with RE2. valijson stays inside src/schema (schema/valijson.hpp).
//
// Owns: checking a plugin's schema against the draft-07 meta-schema and the keyword
// allow-list at load time, compiling it once (its patterns included), and validating
// arguments against it with one error per violation (JSON pointer + message), within a
// deadline when one is given.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::schema {

struct SchemaError {
  std::string path;  // JSON pointer into the validated document ("" = root)
  std::string message;
};

// The message of the one error validate() returns when its deadline passes (its path is "").
inline constexpr std::string_view kDeadlinePassedMessage =
    "the schema check did not finish before the job's deadline";

class CompiledSchema {
 public:
  // Meta-validates `schema` (must be an object, "$schema" draft-07, "type":"object", only
  // allow-listed keywords, patterns RE2 can compile: pattern.hpp) and compiles it, each
  // pattern once. On failure returns nullptr and fills `problems`.
  // `meta_checked`: the text is known to pass the meta-schema (meta_verdicts.hpp); that gate
  // is skipped.
  static std::shared_ptr<const CompiledSchema> compile(const boost::json::value &schema,
                                                       std::vector<SchemaError> &problems,
                                                       bool meta_checked = false);
  ~CompiledSchema();

  // Checks `document`. Empty result = valid. Thread-safe: any number of threads may validate
  // with one CompiledSchema at once.
  //
  // `deadline` (the job's; none: no limit) is checked when the call starts and before each
  // regular-expression match, the only step that costs more than reading `document` (each
  // match is linear in its subject). Once it has passed, validation stops and the result is
  // exactly one error: path "", message kDeadlinePassedMessage.
  std::vector<SchemaError> validate(
      const boost::json::value &document,
      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) const;

  struct Impl;

 private:
  explicit CompiledSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runtimo::schema
