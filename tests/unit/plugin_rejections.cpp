// plugin_rejections.cpp — every deliberately broken plugin in test-plugins/ is refused with a
// reason that names its file and says what is wrong, contributes no capability, and never
// crashes the host.
#define BOOST_TEST_MODULE plugin_rejections
#include <boost/test/unit_test.hpp>

#include "plugin/plugin_registry.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using runtimo::plugin::LoadOptions;
using runtimo::plugin::PluginRecord;
using runtimo::plugin::PluginRegistry;

namespace {

fs::path case_dir(const std::string &name) {
  return fs::path(runtimo::test::required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / name;
}

std::unique_ptr<PluginRegistry> load_case(const std::string &name) {
  LoadOptions options;
  options.dirs = {case_dir(name)};
  return PluginRegistry::load(options);
}

// The one record of a case directory holding a single plugin.
PluginRecord only_record(const std::string &name) {
  const auto registry = load_case(name);
  BOOST_TEST_REQUIRE(registry->records().size() == 1u);
  BOOST_TEST(registry->capabilities().empty());
  return registry->records().front();
}

std::string version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool contains(const std::string &text, const std::string &fragment) {
  return text.find(fragment) != std::string::npos;
}

// Checks that every file of case directory `name` was refused with the given reason fragment.
void expect_rejections(const std::string &name,
                       const std::map<std::string, std::string> &fragment_by_file) {
  const auto registry = load_case(name);
  BOOST_TEST(registry->capabilities().empty());
  BOOST_TEST(registry->records().size() == fragment_by_file.size());
  for (const PluginRecord &record : registry->records()) {
    const std::string file = record.path.filename().string();
    BOOST_TEST_CONTEXT(file) {
      BOOST_TEST(!record.loaded);
      BOOST_TEST(record.capabilities.empty());
      BOOST_TEST(contains(record.reason, record.path.string()), record.reason);
      const auto expected = fragment_by_file.find(file);
      BOOST_TEST_REQUIRE((expected != fragment_by_file.end()), "unexpected file " + file);
      BOOST_TEST(contains(record.reason, expected->second), record.reason);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_library_without_the_entry_symbol_is_not_a_plugin) {
  const PluginRecord record = only_record("missing_symbol");
  BOOST_TEST(!record.loaded);
  BOOST_TEST(record.path == case_dir("missing_symbol") / "libcap_missing_symbol.so");
  BOOST_TEST(record.reason == record.path.string() +
                                  ": no runtimo_plugin_entry symbol: not a Runtimo plugin (build "
                                  "it with RUNTIMO_PLUGIN from runtimo/sdk.hpp, or export `const "
                                  "rt_plugin *runtimo_plugin_entry(void)` with RT_EXPORT from "
                                  "runtimo/abi.h)",
             record.reason);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_shared_library_is_refused_before_dlopen) {
  const PluginRecord record = only_record("not_a_library");
  BOOST_TEST(!record.loaded);
  BOOST_TEST(record.reason == record.path.string() +
                                  " is not an ELF shared object (it does not begin with the ELF "
                                  "magic \\x7fELF): build the plugin as a shared library",
             record.reason);
  BOOST_TEST(record.probe.empty());  // judged from its first bytes: no probe was needed
}

BOOST_AUTO_TEST_CASE(a_plugin_for_another_abi_major_is_refused_naming_path_and_both_versions) {
  const PluginRecord record = only_record("wrong_major");
  BOOST_TEST(!record.loaded);
  BOOST_TEST(record.abi_major == RT_ABI_MAJOR + 1u);
  BOOST_TEST(record.name.empty());  // nothing but the version header was read
  BOOST_TEST(record.reason ==
                 "plugin wrong_major (" + record.path.string() + ") was built for Runtimo ABI " +
                     version(RT_ABI_MAJOR + 1, RT_ABI_MINOR) + " but this host speaks ABI " +
                     version(RT_ABI_MAJOR, RT_ABI_MINOR) +
                     " (major versions must match): rebuild it against this SDK",
             record.reason);
}

BOOST_AUTO_TEST_CASE(a_plugin_for_a_newer_abi_minor_is_refused_naming_path_and_both_versions) {
  const PluginRecord record = only_record("newer_minor");
  BOOST_TEST(!record.loaded);
  BOOST_TEST(record.abi_minor == RT_ABI_MINOR + 1u);
  BOOST_TEST(record.name.empty());
  const std::string host = version(RT_ABI_MAJOR, RT_ABI_MINOR);
  BOOST_TEST(record.reason == "plugin newer_minor (" + record.path.string() +
                                  ") was built for Runtimo ABI " +
                                  version(RT_ABI_MAJOR, RT_ABI_MINOR + 1) +
                                  ", newer than this host's " + host +
                                  ": upgrade Runtimo or rebuild the plugin against SDK " + host,
             record.reason);
}

BOOST_AUTO_TEST_CASE(a_capability_without_execute_is_refused) {
  const PluginRecord record = only_record("null_execute");
  BOOST_TEST(!record.loaded);
  BOOST_TEST(record.name == "null_execute");
  BOOST_TEST(record.reason ==
                 record.path.string() + ": capability Hollow of plugin null_execute: execute is NULL",
             record.reason);
}

BOOST_AUTO_TEST_CASE(every_broken_table_is_refused_for_its_own_reason) {
  expect_rejections(
      "bad_table",
      {
          {"libcap_null_table.so", "runtimo_plugin_entry() returned NULL"},
          {"libcap_tiny_struct.so", "struct_size (4) is smaller than its version header"},
          {"libcap_oversized_struct.so", "more than rt_plugin of ABI"},
          {"libcap_bad_plugin_name.so", "plugin name \"Bad-Name\" is not valid"},
          {"libcap_empty_version.so", "plugin bad_table has no version string"},
          {"libcap_no_capabilities.so", "declares 0 capabilities: it must offer 1 to 256"},
          {"libcap_null_capability_array.so", "capability array is NULL"},
          {"libcap_null_capability.so", "capability #0 of plugin bad_table is NULL"},
          {"libcap_small_capability.so", "less than the ABI 1.0 rt_capability"},
          {"libcap_bad_capability_name.so", "\"9lives\", which is not a valid capability name"},
          {"libcap_empty_description.so", "capability Probe of plugin bad_table: the description is empty"},
          {"libcap_null_validate.so", "capability Probe of plugin bad_table: validate is NULL"},
          {"libcap_unknown_flags.so", "unknown flag bits 0x100000"},
          {"libcap_twin_capabilities.so", "offers the capability echo_twin twice (as EchoTwin and echo_twin"},
      });
}

BOOST_AUTO_TEST_CASE(every_unacceptable_schema_is_refused_naming_the_capability) {
  const std::string who = "capability BadSchema of plugin ";
  expect_rejections(
      "invalid_schema",
      {
          {"libcap_schema_not_json.so", who + "schema_not_json: args_schema is not valid JSON"},
          {"libcap_schema_wrong_dialect.so",
           who + "schema_wrong_dialect: args_schema is not an acceptable schema: /$schema: "},
          {"libcap_schema_ref.so", "/properties/pid/$ref: keyword \"$ref\" is not allowed"},
          {"libcap_schema_meta.so", "/properties/n/minimum: does not conform to the draft-07 meta-schema"},
          {"libcap_schema_bad_pattern.so", "/properties/s/pattern: \"pattern\" is not a valid"},
      });
}

BOOST_AUTO_TEST_CASE(records_follow_file_name_order) {
  const auto registry = load_case("bad_table");
  std::vector<std::string> names;
  for (const PluginRecord &record : registry->records()) names.push_back(record.path.filename());
  BOOST_TEST(std::is_sorted(names.begin(), names.end()));
}

BOOST_AUTO_TEST_CASE(loading_the_bad_plugins_again_and_again_stays_stable) {
  // Each registry opens and (on destruction) closes the libraries; nothing may leak or crash.
  for (int i = 0; i < 20; ++i) {
    LoadOptions options;
    options.dirs = {case_dir("bad_table"), case_dir("invalid_schema"), case_dir("wrong_major")};
    const auto registry = PluginRegistry::load(options);
    BOOST_TEST(registry->capabilities().empty());
    BOOST_TEST(registry->records().size() == 20u);
  }
}
