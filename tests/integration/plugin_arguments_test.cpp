// A C plugin reads its arguments through the host (ABI 1.2 arg and arg_int), needing no JSON
// parser: strings unescaped, integers read as the schema reads "integer", absent members and
// malformed pointers told apart — the same in the host and in a supervised worker.
#define BOOST_TEST_MODULE plugin_arguments
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"

#include <runtimo/abi.h>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

void probe_in(RuntimeFixture &f) {
  const JobResult r = f.run("ArgProbe", {{"name", "caf\u00e9 \"x\""}, {"times", 3}, {"pointer", "/a~1b"},
                                         {"a/b", 1}});
  BOOST_REQUIRE(r.success);
  const auto &d = r.data;
  BOOST_TEST(d.at("name_status").to_number<int>() == RT_OK);
  BOOST_TEST(d.at("name_kind").to_number<int>() == RT_JSON_STRING);
  BOOST_TEST(d.at("name_bytes").to_number<int>() == 9);  // unescaped: c a f é(2) space " x "
  BOOST_TEST(d.at("times_status").to_number<int>() == RT_OK);
  BOOST_TEST(d.at("times").to_number<int>() == 3);
  BOOST_TEST(d.at("missing_status").to_number<int>() == RT_NOT_FOUND);
  BOOST_TEST(d.at("missing_kind").to_number<int>() == RT_JSON_ABSENT);
  BOOST_TEST(d.at("pointer_status").to_number<int>() == RT_OK);  // "/a~1b" names "a/b"

  const JobResult fraction = f.run("ArgProbe", {{"times", 5.0}, {"pointer", "no-slash"}});
  BOOST_REQUIRE(fraction.success);
  BOOST_TEST(fraction.data.at("times_status").to_number<int>() == RT_INVALID_ARGS);
  BOOST_TEST(fraction.data.at("pointer_status").to_number<int>() == RT_INVALID_ARGS);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_c_plugin_reads_its_arguments_through_the_host_in_a_worker) {
  RuntimeFixture f({"c_args"});
  probe_in(f);
}

BOOST_AUTO_TEST_CASE(a_c_plugin_reads_its_arguments_through_the_host_in_process) {
  RuntimeFixture f({"c_args"}, R"({"journal":{"sync":"never"},"guard":{"enabled":false},
                                  "plugins":{"c_args":{"isolation":"in_process"}}})");
  probe_in(f);
}
