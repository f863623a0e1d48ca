// schema_pattern_compile.cpp — which patterns a schema may hold: what RE2 compiles. A pattern
// RE2 cannot express (backreference, lookahead, lookbehind, possessive quantifier) or that is
// not a regular expression at all is refused when the schema is compiled, with the pattern,
// RE2's reason and a hint, wherever it is nested; so is a pattern too long or too large to
// compile. The same goes for the names under "patternProperties".
#define BOOST_TEST_MODULE schema_pattern_compile
#include <boost/test/unit_test.hpp>

#include "schema/pattern.hpp"
#include "schema/schema_validator.hpp"
#include "schema_test_support.hpp"

#include <string>
#include <vector>

using runtimo::schema::kMaxPatternBytes;
using runtimo::schema::test::dump;
using runtimo::schema::test::has_error;
using runtimo::schema::test::object_schema;
using runtimo::schema::test::problems_of;

namespace {

const std::string kHint = "use a pattern without backreferences or lookaround (RE2 syntax)";

// A schema whose property "s" has `pattern` (given as JSON string content).
std::string with_pattern(const std::string &pattern) {
  return object_schema(R"("properties":{"s":{"type":"string","pattern":")" + pattern + R"("}})");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_backreference_is_refused_with_the_pattern_the_reason_and_a_hint) {
  const auto problems = problems_of(with_pattern(R"(^(a)\\1$)"));
  BOOST_TEST_REQUIRE(problems.size() == 1u, dump(problems));
  BOOST_TEST(problems[0].path == "/properties/s/pattern");
  BOOST_TEST(
      problems[0].message == R"("pattern" is not a valid RE2 regular expression: "^(a)\\1$" )"
                             R"((invalid escape sequence: \1): )" +
                                 kHint,
      dump(problems));
}

BOOST_AUTO_TEST_CASE(lookaround_and_possessive_quantifiers_are_refused) {
  struct Case {
    std::string pattern;  // as JSON string content
    std::string reason;   // RE2's
  };
  const std::vector<Case> cases = {
      {"^(?=a)", "invalid perl operator: (?="},  {"^(?!a)", "invalid perl operator: (?!"},
      {"(?<=a)b", "invalid perl operator: (?<"}, {"(?<!a)b", "invalid perl operator: (?<"},
      {"a*+", "bad repetition operator: *+"},    {"[unclosed", "missing ]: [unclosed"},
  };
  for (const Case &c : cases) {
    const auto problems = problems_of(with_pattern(c.pattern));
    BOOST_TEST_CONTEXT(c.pattern) {
      BOOST_TEST(has_error(problems, "/properties/s/pattern",
                           "\"pattern\" is not a valid RE2 regular expression: \"" + c.pattern +
                               "\" (" + c.reason + "): " + kHint),
                 dump(problems));
    }
  }
}

BOOST_AUTO_TEST_CASE(patterns_are_checked_wherever_they_are_nested) {
  const std::string bad = R"("pattern":"(a)\\1")";
  struct Case {
    std::string body;
    std::string path;
  };
  const std::vector<Case> cases = {
      {R"("properties":{"a":{"type":"object","properties":{"b":{)" + bad + "}}}}",
       "/properties/a/properties/b/pattern"},
      {R"("properties":{"list":{"type":"array","items":{)" + bad + "}}}",
       "/properties/list/items/pattern"},
      {R"("additionalProperties":{)" + bad + "}", "/additionalProperties/pattern"},
      {R"("anyOf":[{"type":"object"},{)" + bad + "}]", "/anyOf/1/pattern"},
      {R"("allOf":[{)" + bad + "}]", "/allOf/0/pattern"},
      {R"("properties":{"n":{"not":{)" + bad + "}}}", "/properties/n/not/pattern"},
      {R"("patternProperties":{"^x-":{)" + bad + "}}", "/patternProperties/^x-/pattern"},
  };
  for (const Case &c : cases) {
    const auto problems = problems_of(object_schema(c.body));
    BOOST_TEST_CONTEXT(c.body) {
      BOOST_TEST(has_error(problems, c.path, "\"pattern\" is not a valid RE2 regular expression"),
                 dump(problems));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_pattern_properties_name_is_a_pattern_too) {
  const auto problems = problems_of(object_schema(R"j("patternProperties":{"^(?=x)":{}})j"));
  BOOST_TEST(has_error(problems, "/patternProperties/^(?=x)",
                       "the \"patternProperties\" name is not a valid RE2 regular expression: "
                       "\"^(?=x)\" (invalid perl operator: (?=): " +
                           kHint),
             dump(problems));
}

BOOST_AUTO_TEST_CASE(a_pattern_longer_than_the_limit_is_refused_unread) {
  // A hostile 1 MB pattern: refused by its length, quoted by its first 80 bytes only.
  const auto problems = problems_of(with_pattern(std::string(1'000'000, 'a')));
  BOOST_TEST_REQUIRE(problems.size() == 1u, dump(problems));
  BOOST_TEST(problems[0].path == "/properties/s/pattern");
  BOOST_TEST(problems[0].message ==
             "\"pattern\" is 1000000 bytes long, more than a pattern may be (" +
                 std::to_string(kMaxPatternBytes) + " bytes): \"" + std::string(80, 'a') +
                 "\"…: shorten it, or list the accepted values with \"enum\"");
  // At the limit a pattern is compiled like any other.
  BOOST_TEST(problems_of(with_pattern(std::string(kMaxPatternBytes, 'a'))).empty());
}

BOOST_AUTO_TEST_CASE(a_pattern_whose_program_is_too_large_is_refused) {
  // Small to write, but 1000 copies of every Unicode letter's UTF-8 ranges: over the memory
  // a pattern may use (kMaxPatternMemory).
  const auto problems = problems_of(with_pattern(R"(^\\p{L}{1,1000}$)"));
  BOOST_TEST(has_error(problems, "/properties/s/pattern",
                       "(pattern too large - compile failed): use smaller counted repetitions: bound "
                       "the length with \"maxLength\""),
             dump(problems));
  // The same letters, repeated without a count, are a small program.
  BOOST_TEST(problems_of(with_pattern(R"(^\\p{L}+$)")).empty());
}

BOOST_AUTO_TEST_CASE(an_ecma_unicode_escape_is_refused_and_the_re2_form_accepted) {
  // \uXXXX is ECMA-262; RE2 writes \x{XXXX}.
  BOOST_TEST(has_error(problems_of(with_pattern(R"(^\\u00e9$)")), "/properties/s/pattern",
                       "(invalid escape sequence: \\u)"));
  BOOST_TEST(problems_of(with_pattern(R"(^\\x{e9}$)")).empty());
}

BOOST_AUTO_TEST_CASE(a_long_urn_id_does_not_reach_a_regular_expression) {
  // valijson tests "$id" against a URN expression with std::regex, one stack frame per
  // character: a 1 MB id would overflow the stack. Runtimo never hands it "$id".
  const auto problems =
      problems_of(object_schema(R"("$id":"urn:runtimo:)" + std::string(1'000'000, 'a') + "\""));
  BOOST_TEST(problems.empty(), dump(problems));
}
