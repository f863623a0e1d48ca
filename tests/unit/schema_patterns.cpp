// schema_patterns.cpp — what "pattern", "patternProperties" and the regex formats mean when
// arguments are validated: ECMA-262 semantics (a search, not a full match; characters, not
// bytes) in time linear in the string, so a pattern that backtracks catastrophically decides
// at once and a 100 000-byte string is checked like a short one; the deadline of a
// validation, which stops it with one error; and many threads sharing one schema's patterns.
#define BOOST_TEST_MODULE schema_patterns
#include <boost/test/unit_test.hpp>

#include "schema/schema_validator.hpp"
#include "schema_test_support.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace json = boost::json;
using runtimo::schema::CompiledSchema;
using runtimo::schema::kDeadlinePassedMessage;
using runtimo::schema::SchemaError;
using runtimo::schema::test::compile_or_fail;
using runtimo::schema::test::dump;
using runtimo::schema::test::has_error;
using runtimo::schema::test::object_schema;

namespace {

using Clock = std::chrono::steady_clock;

// A schema whose string property "s" has `pattern` (JSON string content).
std::shared_ptr<const CompiledSchema> pattern_schema(const std::string &pattern) {
  return compile_or_fail(
      object_schema(R"("properties":{"s":{"type":"string","pattern":")" + pattern + R"("}})"));
}

std::vector<SchemaError> check(const CompiledSchema &schema, const std::string &s) {
  json::object doc;
  doc["s"] = s;
  return schema.validate(doc);
}

bool matches(const CompiledSchema &schema, const std::string &s) {
  return check(schema, s).empty();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_catastrophic_pattern_decides_a_35_byte_string) {
  // std::regex backtracks through 2^34 ways of splitting the a's before it fails.
  const auto schema = pattern_schema("^(a+)+$");
  const auto errors = check(*schema, std::string(34, 'a') + "!");
  BOOST_TEST_REQUIRE(!errors.empty());
  BOOST_TEST(errors.front().path == "/s", dump(errors));
  BOOST_TEST(errors.front().message == R"(does not match the pattern "^(a+)+$")", dump(errors));
  BOOST_TEST(matches(*schema, std::string(35, 'a')));
}

BOOST_AUTO_TEST_CASE(a_catastrophic_pattern_decides_a_100000_byte_string) {
  // std::regex would also overflow the stack here (one frame per character).
  const auto schema = pattern_schema("^(a+)+$");
  BOOST_TEST(has_error(check(*schema, std::string(99'999, 'a') + "!"), "/s", "does not match"));
  BOOST_TEST(matches(*schema, std::string(100'000, 'a')));
}

BOOST_AUTO_TEST_CASE(a_long_string_is_checked_against_its_pattern_like_a_short_one) {
  const auto schema = pattern_schema("^[a-z ]+$");
  BOOST_TEST(matches(*schema, std::string(1'000'000, 'a')));
  BOOST_TEST(!matches(*schema, std::string(999'999, 'a') + "A"));
}

BOOST_AUTO_TEST_CASE(a_pattern_is_a_search_not_a_full_match) {
  BOOST_TEST(matches(*pattern_schema("b"), "abc"));
  BOOST_TEST(!matches(*pattern_schema("^b"), "abc"));
  BOOST_TEST(!matches(*pattern_schema("b$"), "abc"));
  BOOST_TEST(matches(*pattern_schema("^a.c$"), "abc"));
  BOOST_TEST(!matches(*pattern_schema("^a.c$"), "a\nc"));
}

BOOST_AUTO_TEST_CASE(a_pattern_matches_characters_not_bytes) {
  BOOST_TEST(matches(*pattern_schema("^é+$"), "éé"));
  BOOST_TEST(!matches(*pattern_schema("^é+$"), "ée"));
  BOOST_TEST(matches(*pattern_schema("^.$"), "é"));  // one character, two bytes
  BOOST_TEST(matches(*pattern_schema("^[à-ÿ]{2}$"), "éü"));
  BOOST_TEST(matches(*pattern_schema(R"(^\\x{e9}$)"), "é"));
}

BOOST_AUTO_TEST_CASE(pattern_properties_apply_to_the_members_whose_names_match) {
  const auto schema = compile_or_fail(object_schema(R"(
    "properties": {"name": {"type": "string"}},
    "patternProperties": {"^x-": {"type": "integer"}, "id$": {"type": "integer", "minimum": 1}},
    "additionalProperties": false)"));
  BOOST_TEST(schema->validate(json::parse(R"({"name": "n", "x-a": 1, "x-id": 2})")).empty());
  const auto wrong_type = schema->validate(json::parse(R"({"x-a": "one"})"));
  BOOST_TEST(has_error(wrong_type, "/x-a", "type"), dump(wrong_type));
  // A name matched by two patterns must pass both schemas.
  BOOST_TEST(has_error(schema->validate(json::parse(R"({"x-id": 0})")), "/x-id", "greater than"));
  // Unanchored: "id$" matches "userid".
  BOOST_TEST(has_error(schema->validate(json::parse(R"({"userid": "u"})")), "/userid", "type"));
  // Neither listed nor matched: an additional property, refused by name.
  const auto extra = schema->validate(json::parse(R"({"other": 1})"));
  BOOST_TEST(has_error(extra, "", "'other'"), dump(extra));
}

BOOST_AUTO_TEST_CASE(additional_properties_apply_only_to_members_no_pattern_matches) {
  const auto schema = compile_or_fail(object_schema(R"(
    "patternProperties": {"^n_": {"type": "number"}},
    "additionalProperties": {"type": "string", "pattern": "^[a-z]+$"})"));
  BOOST_TEST(schema->validate(json::parse(R"({"n_a": 1, "word": "abc"})")).empty());
  const auto errors = schema->validate(json::parse(R"({"n_a": "x", "word": "ABC"})"));
  BOOST_TEST(has_error(errors, "/n_a", "type"), dump(errors));
  BOOST_TEST(has_error(errors, "/word", R"(does not match the pattern "^[a-z]+$")"), dump(errors));
  // Without "additionalProperties", unmatched members are free.
  const auto open =
      compile_or_fail(object_schema(R"("patternProperties": {"^n_": {"type": "number"}})"));
  BOOST_TEST(open->validate(json::parse(R"({"n_a": 1, "other": []})")).empty());
}

BOOST_AUTO_TEST_CASE(pattern_properties_work_inside_branches_and_items) {
  const auto schema = compile_or_fail(object_schema(R"(
    "properties": {
      "rows": {"type": "array", "items": {"type": "object",
               "patternProperties": {"^c[0-9]+$": {"type": "string", "pattern": "^[0-9]+$"}},
               "additionalProperties": false}},
      "either": {"anyOf": [{"type": "object", "patternProperties": {"^a": {"type": "integer"}}},
                           {"type": "string"}]}
    })"));
  BOOST_TEST(
      schema->validate(json::parse(R"({"rows": [{"c1": "12"}], "either": {"a1": 1}})")).empty());
  const auto errors = schema->validate(json::parse(R"({"rows": [{"c1": "12"}, {"c2": "x2"}]})"));
  BOOST_TEST(has_error(errors, "/rows/1/c2", "does not match the pattern"), dump(errors));
  BOOST_TEST(
      has_error(schema->validate(json::parse(R"({"rows": [{"d": "1"}]})")), "/rows/0", "'d'"));
  // anyOf tries each branch without collecting its errors.
  BOOST_TEST(!schema->validate(json::parse(R"({"either": {"a1": "one"}})")).empty());
}

BOOST_AUTO_TEST_CASE(date_and_time_formats_keep_their_grammar) {
  const auto schema = compile_or_fail(object_schema(R"("properties": {
    "d": {"type": "string", "format": "date"}, "t": {"type": "string", "format": "time"},
    "dt": {"type": ["string", "integer"], "format": "date-time"},
    "mail": {"type": "string", "format": "email"}})"));
  BOOST_TEST(
      schema
          ->validate(json::parse(
              R"({"d": "2022-07-18", "t": "16:52:45+02:00", "dt": "2022-07-18T16:52:45.5Z", "mail": "x"})"))
          .empty());
  BOOST_TEST(
      has_error(schema->validate(json::parse(R"({"d": "2022-02-30"})")), "/d", "valid date"));
  BOOST_TEST(
      has_error(schema->validate(json::parse(R"({"d": "2022-04-31"})")), "/d", "valid date"));
  BOOST_TEST(schema->validate(json::parse(R"({"d": "2022-08-31"})")).empty());
  BOOST_TEST(
      has_error(schema->validate(json::parse(R"({"d": "2022-13-01"})")), "/d", "valid date"));
  BOOST_TEST(has_error(schema->validate(json::parse(R"({"t": "24:00:00Z"})")), "/t", "valid time"));
  BOOST_TEST(has_error(schema->validate(json::parse(R"({"dt": "2022-07-18 16:52:45Z"})")), "/dt",
                       "valid date-time"));
  BOOST_TEST(schema->validate(json::parse(R"({"dt": 5})")).empty());  // a format tests strings only
  // A 200 000-digit year: decided, not a stack overflow.
  json::object doc;
  doc["d"] = std::string(200'000, '1') + "-01-31";
  BOOST_TEST(schema->validate(doc).empty());
}

BOOST_AUTO_TEST_CASE(a_deadline_in_the_past_stops_validation_with_one_error) {
  const auto schema = pattern_schema("^[a-z]+$");
  json::object doc;
  doc["s"] = "abc";
  const auto errors = schema->validate(doc, Clock::now() - std::chrono::seconds(1));
  BOOST_TEST_REQUIRE(errors.size() == 1u, dump(errors));
  BOOST_TEST(errors[0].path == "");
  BOOST_TEST(errors[0].message == "the schema check did not finish before the job's deadline");
  BOOST_TEST(errors[0].message == kDeadlinePassedMessage);
  // Also when there is no pattern to match.
  const auto plain = compile_or_fail(object_schema(""));
  BOOST_TEST(plain->validate(json::object{}, Clock::now() - std::chrono::seconds(1)).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_deadline_ahead_or_none_leaves_the_result_unchanged) {
  const auto schema = pattern_schema("^[a-z]+$");
  json::object doc;
  doc["s"] = "ABC";
  const auto without = schema->validate(doc);
  const auto with = schema->validate(doc, Clock::now() + std::chrono::hours(1));
  BOOST_TEST(dump(with) == dump(without));
  BOOST_TEST(has_error(with, "/s", "does not match"), dump(with));
}

BOOST_AUTO_TEST_CASE(a_deadline_belongs_to_its_own_validation_and_thread) {
  // Threads validating with a past deadline never make another thread's validation, without
  // one, report the deadline: it is per call.
  const auto schema = compile_or_fail(object_schema(R"(
    "properties": {"s": {"type": "string", "pattern": "^(a+)+$"}},
    "patternProperties": {"^k": {"type": "string", "pattern": "[0-9]"}})"));
  json::object doc;
  doc["s"] = std::string(10'000, 'a') + "!";
  doc["k1"] = "x";
  const auto expected = schema->validate(doc);
  BOOST_TEST_REQUIRE(expected.size() >= 2u, dump(expected));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (t % 2 == 0) {
          const auto errors = schema->validate(doc, Clock::now() - std::chrono::seconds(1));
          if (errors.size() != 1u || errors[0].message != kDeadlinePassedMessage) ++wrong;
        } else {
          const auto errors = schema->validate(doc);
          if (errors.size() != expected.size() || errors[0].message != expected[0].message) ++wrong;
        }
      }
    });
  }
  for (std::thread &th : threads) th.join();
  BOOST_TEST(wrong.load() == 0);
}
