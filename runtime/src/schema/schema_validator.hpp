// schema/schema_validator.hpp — JSON Schema (draft-07) checks with valijson. The only translation
// unit that includes valijson is schema_validator.cpp.
//
// Owns: checking a plugin's schema against the draft-07 meta-schema and the keyword
// allow-list at load time, compiling it once, and validating arguments against it with one
// error per violation (JSON pointer + message).
#pragma once

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace runtimo::schema {

struct SchemaError {
  std::string path;  // JSON pointer into the validated document ("" = root)
  std::string message;
};

class CompiledSchema {
 public:
  // Meta-validates `schema` (must be an object, "$schema" draft-07, "type":"object", only
  // allow-listed keywords) and compiles it. On failure returns nullptr and fills `problems`.
  // `meta_checked`: the text is known to pass the meta-schema (meta_verdicts.hpp); that gate
  // is skipped.
  static std::shared_ptr<const CompiledSchema> compile(const boost::json::value &schema,
                                                       std::vector<SchemaError> &problems,
                                                       bool meta_checked = false);
  ~CompiledSchema();

  // Thread-safe. Empty result = valid.
  std::vector<SchemaError> validate(const boost::json::value &document) const;

  struct Impl;

 private:
  explicit CompiledSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runtimo::schema
