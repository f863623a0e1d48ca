// integer_vocabulary_test.cpp — one meaning of "integer" everywhere: the schema validator
// (draft-07 "type": "integer" through valijson's Boost.JSON adapter), sdk::integer_arg (FileRead
// and Kill), and the process query's parser accept and refuse the same values — 5 and -0 are
// integers; 5.0, 5e0, 5.5, 1e300, "5", true, null and 2^64-1 are not — and the refusals name
// the key, the value and the range.
#define BOOST_TEST_MODULE integer_vocabulary
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"
#include "schema/schema_validator.hpp"
#include "snapshot/process_query.hpp"

#include <runtimo/sdk.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

struct Case {
  const char *text;  // the JSON text of the value
  bool integer;      // within 1..10, is it an accepted integer?
};

// Values in [1, 10] where the kind of number matters, and the bounds.
const std::vector<Case> kCases = {
    {"5", true},      {"1", true},      {"10", true},
    {"0", false},     {"11", false},    {"-0", false},
    {"5.0", false},   {"5e0", false},   {"5.5", false},
    {"1e300", false}, {"\"5\"", false}, {"true", false},
    {"null", false},  {"[5]", false},   {"18446744073709551615", false},
};

json::object args_with(const char *value) {
  return json::parse(std::string(R"({"n":)") + value + "}").as_object();
}

bool schema_accepts(const char *value) {
  std::vector<schema::SchemaError> problems;
  const auto compiled = schema::CompiledSchema::compile(
      json::parse(R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                      "properties":{"n":{"type":"integer","minimum":1,"maximum":10}}})"),
      problems);
  BOOST_TEST_REQUIRE(compiled != nullptr);
  return compiled->validate(args_with(value)).empty();
}

bool sdk_accepts(const char *value) {
  try {
    return sdk::integer_arg(args_with(value), "n", 1, 10).has_value();
  } catch (const sdk::Error &) {
    return false;
  }
}

std::string sdk_message(const char *value, std::int64_t low = 1, std::int64_t high = 10) {
  try {
    sdk::integer_arg(args_with(value), "n", low, high);
    return "(accepted)";
  } catch (const sdk::Error &e) {
    BOOST_TEST(e.status() == RT_INVALID_ARGS);
    return e.message();
  }
}

bool query_accepts(const char *value) {
  try {
    snapshot::parse_process_query(
        json::parse(std::string(R"({"limit":)") + value + "}").as_object());
    return true;
  } catch (const snapshot::QueryError &) {
    return false;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_schema_validator_and_the_sdk_reader_agree_on_every_value) {
  for (const Case &c : kCases) {
    BOOST_TEST_INFO("value " << c.text);
    BOOST_TEST(schema_accepts(c.text) == c.integer);
    BOOST_TEST(sdk_accepts(c.text) == c.integer);
  }
}

BOOST_AUTO_TEST_CASE(the_process_query_reads_integers_the_same_way) {
  // "limit" allows 1..100000, so only the kind of number decides for these values.
  for (const char *value : {"5", "10"}) BOOST_TEST(query_accepts(value), value);
  for (const char *value : {"5.0", "5e0", "5.5", "1e300", "\"5\"", "-0", "null", "true"})
    BOOST_TEST(!query_accepts(value), value);
}

BOOST_AUTO_TEST_CASE(an_absent_key_is_no_value_and_minus_zero_is_zero) {
  BOOST_TEST(!sdk::integer_arg(json::object{}, "n", 1, 10).has_value());
  BOOST_TEST(sdk::integer_arg(args_with("-0"), "n", 0, 10).value_or(-1) == 0);
  BOOST_TEST(sdk::integer_arg(args_with("5"), "n", 1, 10).value_or(-1) == 5);
  // JSON built in code from a size_t holds a uint64: an integer all the same.
  BOOST_TEST(sdk::integer_arg(json::object{{"n", std::size_t{5}}}, "n", 1, 10).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(refusals_name_the_key_the_value_and_the_range) {
  BOOST_TEST(sdk_message("5.0") == R"("n" must be an integer, not 5.0)");
  BOOST_TEST(sdk_message("5e0") == R"("n" must be an integer, not 5.0)");
  BOOST_TEST(sdk_message("5.5") == R"("n" must be an integer, not 5.5)");
  BOOST_TEST(sdk_message("1e300") == R"("n" must be an integer, not 1e+300)");
  BOOST_TEST(sdk_message("\"5\"") == R"("n" must be an integer, not "5")");
  BOOST_TEST(sdk_message("null") == R"("n" must be an integer, not null)");
  BOOST_TEST(sdk_message("0") == R"("n" must be between 1 and 10, not 0)");
  BOOST_TEST(sdk_message("-0") == R"("n" must be between 1 and 10, not 0)");
  BOOST_TEST(sdk_message("18446744073709551615") ==
             R"("n" must be between 1 and 10, not 18446744073709551615)");
  const std::string long_string = "\"" + std::string(100, 'x') + "\"";
  BOOST_TEST(sdk_message(long_string.c_str()).size() < 80u);
}

BOOST_AUTO_TEST_CASE(an_integral_double_gets_a_hint_to_drop_the_fraction) {
  try {
    sdk::integer_arg(args_with("5.0"), "n", 1, 10);
    BOOST_FAIL("5.0 was accepted");
  } catch (const sdk::Error &e) {
    BOOST_TEST(e.hint() ==
               "write 5 without a fraction or exponent: only such numbers are integers");
  }
}

BOOST_AUTO_TEST_CASE(file_read_and_kill_refuse_5_0_at_the_schema_and_accept_5) {
  RuntimeFixture f;
  TempDir dir;
  const auto file = dir / "x.txt";
  std::ofstream(file) << "0123456789";
  const JobResult five =
      f.run("FileRead", json::parse(R"({"path":")" + file.string() + R"(","max_bytes":5})"));
  BOOST_TEST(five.success);
  BOOST_TEST(five.data.at("content").as_string() == "01234");
  for (const char *value : {"5.0", "5.5", "\"5\"", "1e300"}) {
    const JobResult r = f.run("FileRead", json::parse(R"({"path":")" + file.string() +
                                                      R"(","max_bytes":)" + value + "}"));
    BOOST_TEST_INFO("max_bytes " << value);
    BOOST_TEST(r.exit_code() == 2);
    BOOST_TEST(r.stage == "schema");
  }
  const JobResult kill = f.run("Kill", json::parse(R"({"pid":1,"wait_ms":5.0})"));
  BOOST_TEST(kill.exit_code() == 2);
  BOOST_TEST(kill.stage == "schema");
}

BOOST_AUTO_TEST_CASE(the_process_service_refuses_5_0_naming_the_member) {
  RuntimeFixture f;
  try {
    f.rt->processes(json::parse(R"({"limit":5.0})"));
    BOOST_FAIL("limit 5.0 was accepted");
  } catch (const snapshot::QueryError &e) {
    BOOST_TEST(std::string(e.what()) == R"("limit" must be an integer, not 5.0)");
  }
}
