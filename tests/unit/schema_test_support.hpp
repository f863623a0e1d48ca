// schema_test_support.hpp — what the schema module's unit tests (schema_*.cpp) share: compiling
// a schema given as text, finding an error by path and message fragment, and printing errors
// for a failed check.
#pragma once

#include "schema/schema_validator.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <vector>

namespace runtimo::schema::test {

inline const std::string kDraft7 = R"("$schema":"http://json-schema.org/draft-07/schema#")";

// An object schema in draft-07 with `body` appended to its members.
inline std::string object_schema(const std::string &body) {
  return "{" + kDraft7 + R"(,"type":"object")" + (body.empty() ? "" : "," + body) + "}";
}

inline std::string dump(const std::vector<SchemaError> &errors) {
  std::string out;
  for (const SchemaError &e : errors) out += "[" + e.path + "] " + e.message + "\n";
  return out;
}

// True when an error at `path` contains `fragment`.
inline bool has_error(const std::vector<SchemaError> &errors, const std::string &path,
                      const std::string &fragment) {
  for (const SchemaError &e : errors) {
    if (e.path == path && e.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

// Compiles `text`; returns the problems (empty when it compiled).
inline std::vector<SchemaError> problems_of(const std::string &text) {
  std::vector<SchemaError> problems;
  const auto compiled = CompiledSchema::compile(boost::json::parse(text), problems);
  BOOST_TEST((compiled == nullptr) == !problems.empty());
  return problems;
}

// Compiles `text`, which must compile (the test stops otherwise, printing the problems).
inline std::shared_ptr<const CompiledSchema> compile_or_fail(const std::string &text) {
  std::vector<SchemaError> problems;
  auto compiled = CompiledSchema::compile(boost::json::parse(text), problems);
  BOOST_TEST_REQUIRE(compiled != nullptr, dump(problems));
  return compiled;
}

}  // namespace runtimo::schema::test
