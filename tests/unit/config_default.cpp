// config_default.cpp — the embedded default configuration (conf/runtimo.json, compiled in) is
// valid against the config schema. load_settings trusts it without validating it on every
// start, so this test is what keeps that trust honest; a file given with --config is still
// validated in full.
#define BOOST_TEST_MODULE config_default
#include <boost/test/unit_test.hpp>

#include "config/settings.hpp"
#include "embedded_config.hpp"
#include "schema/schema_validator.hpp"

#include <boost/json.hpp>
#include "temp_dir.hpp"

#include <fstream>
#include <string>
#include <vector>

namespace config = runtimo::config;

BOOST_AUTO_TEST_CASE(the_embedded_default_passes_the_schema) {
  const boost::json::value doc =
      config::parse_config_text(config::embedded::default_config, "embedded default config");
  BOOST_TEST(doc.as_object().contains("guard"));
  // It is the shipped conf/runtimo.json, byte for byte.
  const std::string shipped =
      runtimo::test::read_file(runtimo::test::required_env("RUNTIMO_TEST_SOURCE_DIR") + "/conf/runtimo.json");
  BOOST_TEST(shipped == std::string(config::embedded::default_config));
}

// load_settings compiles the embedded config schema without the meta-schema check; this is it.
BOOST_AUTO_TEST_CASE(the_embedded_config_schema_passes_the_meta_schema) {
  std::vector<runtimo::schema::SchemaError> problems;
  const auto compiled = runtimo::schema::CompiledSchema::compile(
      boost::json::parse(config::embedded::config_schema), problems, /*meta_checked=*/false);
  BOOST_TEST(compiled != nullptr);
  for (const auto &p : problems) BOOST_TEST_MESSAGE(p.path + ": " + p.message);
}

BOOST_AUTO_TEST_CASE(the_defaults_apply_without_a_config_file) {
  const config::Settings s = config::load_settings({}, false);
  BOOST_TEST(s.config_file.empty());
  BOOST_TEST(s.snapshot_mode == "summary");
  BOOST_TEST(s.sync == "durable");
  BOOST_TEST(s.guard.enabled);
  BOOST_TEST(s.guard.mem_available_pct_min.value_or(-1) == 5.0);
}

BOOST_AUTO_TEST_CASE(a_config_file_is_still_validated) {
  runtimo::test::TempDir dir;
  const auto file = dir.path() / "config.json";
  std::ofstream(file) << R"({"snapshots":{"mode":"sometimes"}})";
  try {
    config::load_settings(file, false);
    BOOST_FAIL("an invalid snapshots.mode was accepted");
  } catch (const config::ConfigError &e) {
    BOOST_TEST(std::string(e.what()).find("sometimes") != std::string::npos);
  }
  std::ofstream(file) << R"({"snapshot":{"mode":"full"}})";
  BOOST_CHECK_THROW(config::load_settings(file, false), config::ConfigError);
}
