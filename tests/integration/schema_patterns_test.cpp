// Schema patterns through the pipeline: a plugin whose schema has a pattern that backtracks
// catastrophically ("^(a+)+$", the `catastrophic_pattern` test plugin) loads, serves a valid
// argument, and has a hostile one — 35 bytes of "aaa…!", or 100 000 — refused by the schema
// stage in ordinary time (RE2), journaled once, never started.
#define BOOST_TEST_MODULE schema_patterns
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"

#include <string>
#include <vector>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

void expect_refused_by_the_pattern(RuntimeFixture &f, const std::string &word) {
  const JobResult r = f.run("Letters", {{"word", word}});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.stage == "schema");
  BOOST_TEST(r.exit_code() == 2);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "invalid_args");
  BOOST_REQUIRE(!r.error->details.empty());
  BOOST_TEST(r.error->details.front().path == "/word");
  BOOST_TEST(r.error->details.front().message == R"(does not match the pattern "^(a+)+$")");
  const auto events = f.journal_of(r.job_id);
  BOOST_REQUIRE(events.size() == 1u);
  BOOST_TEST(RuntimeFixture::type_of(events.front()) == "job.rejected");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_plugin_with_a_catastrophic_pattern_loads_and_serves_valid_arguments) {
  RuntimeFixture f({"catastrophic_pattern"});
  const JobResult r = f.run("Letters", {{"word", std::string(35, 'a')}});
  BOOST_TEST(r.success, r.message);
  BOOST_TEST(r.data.at("word").as_string() == std::string(35, 'a'));
}

BOOST_AUTO_TEST_CASE(a_hostile_35_byte_argument_is_refused_by_the_schema) {
  RuntimeFixture f({"catastrophic_pattern"});
  expect_refused_by_the_pattern(f, std::string(34, 'a') + "!");
}

BOOST_AUTO_TEST_CASE(a_hostile_100000_byte_argument_is_refused_by_the_schema) {
  RuntimeFixture f({"catastrophic_pattern"});
  expect_refused_by_the_pattern(f, std::string(99'999, 'a') + "!");
}
