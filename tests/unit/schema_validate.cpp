// schema_validate.cpp — what CompiledSchema::validate reports: one error per violation with a
// JSON pointer into the arguments ("" for the object itself), deduplicated, most specific first,
// nothing for a valid document, and the same answers from many threads at once (patterns:
// schema_patterns.cpp).
#define BOOST_TEST_MODULE schema_validate
#include <boost/test/unit_test.hpp>

#include "schema/schema_validator.hpp"
#include "schema_test_support.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace json = boost::json;
using runtimo::schema::CompiledSchema;
using runtimo::schema::SchemaError;
using runtimo::schema::test::dump;
using runtimo::schema::test::has_error;

namespace {

// Shaped like a real capability's arguments (Kill-like).
const char *const kKillSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "pid": {"type": "integer", "minimum": 1, "maximum": 4194304},
    "signal": {"enum": ["TERM", "KILL", "INT"]},
    "reason": {"type": "string", "minLength": 3, "maxLength": 20, "pattern": "^[a-z ]+$"},
    "paths": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 3},
    "a/b": {"type": "boolean"},
    "nested": {"type": "object", "properties": {"depth": {"type": "integer"}},
               "required": ["depth"]}
  },
  "required": ["pid"],
  "additionalProperties": false
})";

std::shared_ptr<const CompiledSchema> kill_schema() {
  std::vector<SchemaError> problems;
  auto compiled = CompiledSchema::compile(json::parse(kKillSchema), problems);
  BOOST_TEST_REQUIRE(compiled != nullptr);
  return compiled;
}

std::vector<SchemaError> errors_for(const std::string &document) {
  static const auto schema = kill_schema();
  return schema->validate(json::parse(document));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_valid_document_has_no_errors) {
  for (const char *doc : {R"({"pid": 42})",
                          R"({"pid": 1, "signal": "KILL", "reason": "stuck job", "paths": ["/a"]})",
                          R"({"pid": 4194304, "a/b": true, "nested": {"depth": 3}})"}) {
    const auto errors = errors_for(doc);
    BOOST_TEST_CONTEXT(doc) { BOOST_TEST(errors.empty(), dump(errors)); }
  }
}

BOOST_AUTO_TEST_CASE(a_wrong_type_is_reported_at_the_property) {
  const auto errors = errors_for(R"({"pid": "12"})");
  BOOST_TEST_REQUIRE(!errors.empty());
  BOOST_TEST(errors.front().path == "/pid", dump(errors));
  BOOST_TEST(has_error(errors, "/pid", "type"), dump(errors));
}

BOOST_AUTO_TEST_CASE(a_missing_required_property_is_reported_at_the_root) {
  const auto errors = errors_for(R"({"signal": "TERM"})");
  BOOST_TEST(has_error(errors, "", "Missing required property 'pid'"), dump(errors));
}

BOOST_AUTO_TEST_CASE(an_unknown_property_is_reported_at_the_root) {
  const auto errors = errors_for(R"({"pid": 3, "force": true})");
  BOOST_TEST(has_error(errors, "", "force"), dump(errors));
}

BOOST_AUTO_TEST_CASE(enum_and_bounds_violations_name_the_property) {
  // An enum failure names the allowed values and the value given.
  const auto bad_signal = errors_for(R"({"pid": 3, "signal": "HUP"})");
  BOOST_TEST(has_error(bad_signal, "/signal", R"(must be one of "TERM", "KILL", "INT", not "HUP")"),
             dump(bad_signal));
  // valijson's "%f" numbers are tidied: "1", not "1.000000".
  const auto low = errors_for(R"({"pid": 0})");
  BOOST_TEST(has_error(low, "/pid", "greater than or equal to 1"), dump(low));
  BOOST_TEST(!has_error(low, "/pid", "1.000000"), dump(low));
  BOOST_TEST(has_error(errors_for(R"({"pid": 4194305})"), "/pid", "less than or equal to 4194304"));
  BOOST_TEST(has_error(errors_for(R"({"pid": 3, "reason": "ab"})"), "/reason", "no fewer than 3"));
  BOOST_TEST(has_error(errors_for(R"({"pid": 3, "reason": "this reason is far too long"})"),
                       "/reason", "no more than 20"));
  BOOST_TEST(has_error(errors_for(R"({"pid": 3, "reason": "UPPER"})"), "/reason", "pattern"));
  BOOST_TEST(has_error(errors_for(R"({"pid": 3, "paths": ["a", "b", "c", "d"]})"), "/paths",
                       "no more than 3"));
}

BOOST_AUTO_TEST_CASE(errors_inside_arrays_and_objects_get_full_pointers) {
  const auto item = errors_for(R"({"pid": 3, "paths": ["/ok", ""]})");
  BOOST_TEST_REQUIRE(!item.empty());
  BOOST_TEST(item.front().path == "/paths/1", dump(item));
  const auto nested = errors_for(R"({"pid": 3, "nested": {"depth": "deep"}})");
  BOOST_TEST_REQUIRE(!nested.empty());
  BOOST_TEST(nested.front().path == "/nested/depth", dump(nested));
  BOOST_TEST(has_error(errors_for(R"({"pid": 3, "nested": {}})"), "/nested", "depth"));
}

BOOST_AUTO_TEST_CASE(pointer_tokens_are_escaped) {
  BOOST_TEST(has_error(errors_for(R"({"pid": 3, "a/b": "yes"})"), "/a~1b", "type"));
}

// valijson's "a child failed" messages, which add nothing to the child's own error.
bool is_wrapper(const SchemaError &e) { return e.message.starts_with("Failed to validate "); }

BOOST_AUTO_TEST_CASE(errors_are_deduplicated_and_most_specific_first) {
  const auto errors = errors_for(R"({"pid": "x", "signal": 5, "nested": {"depth": []}})");
  std::set<std::pair<std::string, std::string>> seen;
  bool wrappers_started = false;
  std::size_t previous_depth = 1000;
  for (const SchemaError &e : errors) {
    BOOST_TEST(seen.emplace(e.path, e.message).second, "duplicate: " + e.path + " " + e.message);
    if (is_wrapper(e)) {
      wrappers_started = true;
      continue;
    }
    BOOST_TEST(!wrappers_started, "a real error after the wrappers:\n" + dump(errors));
    const auto depth = static_cast<std::size_t>(std::count(e.path.begin(), e.path.end(), '/'));
    BOOST_TEST(depth <= previous_depth, dump(errors));
    previous_depth = depth;
  }
  BOOST_TEST(errors.front().path == "/nested/depth", dump(errors));
  BOOST_TEST(has_error(errors, "/pid", "type"));
  BOOST_TEST(has_error(errors, "/signal", "must be one of"));
}

BOOST_AUTO_TEST_CASE(a_root_error_comes_before_the_wrappers_of_deeper_errors) {
  const auto errors = errors_for(R"({"signal": 5})");
  BOOST_TEST_REQUIRE(errors.size() >= 2u, dump(errors));
  BOOST_TEST(errors[0].path == "/signal", dump(errors));
  BOOST_TEST(errors[1].path == "", dump(errors));
  BOOST_TEST(errors[1].message == "Missing required property 'pid'.", dump(errors));
  for (std::size_t i = 2; i < errors.size(); ++i) BOOST_TEST(is_wrapper(errors[i]), dump(errors));
}

BOOST_AUTO_TEST_CASE(a_document_that_is_not_an_object_is_reported_at_the_root) {
  const auto errors = errors_for("[1, 2]");
  BOOST_TEST(has_error(errors, "", "type"), dump(errors));
}

BOOST_AUTO_TEST_CASE(an_integer_valued_float_is_not_an_integer) {
  // valijson 1.0 treats 1.0 as a number, not an integer (documented, accepted).
  BOOST_TEST(has_error(errors_for(R"({"pid": 12.0})"), "/pid", "type"));
}

BOOST_AUTO_TEST_CASE(concurrent_validation_from_eight_threads_is_consistent) {
  const auto schema = kill_schema();
  const std::vector<std::string> documents = {
      R"({"pid": 42})",
      R"({"pid": "12"})",
      R"({"signal": "HUP", "force": 1})",
      R"({"pid": 3, "reason": "UPPER", "paths": ["", "x", "y", "z"]})",
      R"({"pid": 3, "nested": {"depth": "deep"}, "a/b": 1})",
  };
  std::vector<json::value> parsed;
  std::vector<std::vector<SchemaError>> expected;
  for (const std::string &d : documents) {
    parsed.push_back(json::parse(d));
    expected.push_back(schema->validate(parsed.back()));
  }
  const auto same = [](const std::vector<SchemaError> &a, const std::vector<SchemaError> &b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].path != b[i].path || a[i].message != b[i].message) return false;
    }
    return true;
  };
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const std::size_t k = static_cast<std::size_t>(t + i) % parsed.size();
        if (!same(schema->validate(parsed[k]), expected[k])) ++mismatches;
      }
    });
  }
  for (std::thread &th : threads) th.join();
  BOOST_TEST(mismatches.load() == 0);
}
