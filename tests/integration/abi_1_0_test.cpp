// ABI 1.0 plugins keep working on the current host: plugins compiled against the frozen 1.0
// header (tests/plugins/abi-1.0/runtimo/abi.h) alone load, declare 1.0, and run — the plain-C
// Echo, and a probe that calls every 1.0 host function through the 1.0 table layout.
#define BOOST_TEST_MODULE abi_1_0
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"

#include <runtimo/abi.h>

#include <fstream>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

const PluginInfo *plugin_named(const std::vector<PluginInfo> &plugins, const std::string &name) {
  for (const auto &p : plugins)
    if (p.name == name) return &p;
  return nullptr;
}

// A fixture with the probe loaded and a job working directory holding probe.txt.
struct Probe {
  RuntimeFixture f{{"abi_1_0_probe"}};
  TempDir work;
  RunOptions in_work() const {
    RunOptions o;
    o.working_dir = work.path();
    return o;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_c_plugin_built_against_the_frozen_1_0_header_loads_and_runs) {
  RuntimeFixture f({"abi_1_0"});
  const PluginInfo *p = plugin_named(f.rt->plugins(), "good_c");
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->loaded, p->reason);
  BOOST_TEST(p->abi == "1.0");
  const JobResult r = f.run("Echo", {{"text", "from 1.0"}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("text").as_string() == "from 1.0");
}

BOOST_AUTO_TEST_CASE(every_1_0_host_function_answers_a_1_0_plugin_through_the_1_0_layout) {
  Probe p;
  std::ofstream(p.work / "probe.txt") << "frozen-abi";
  const JobResult r = p.f.rt->run("AbiProbe", "{}", p.in_work());
  BOOST_TEST_REQUIRE(r.success, (r.error ? r.error->message : std::string()));
  BOOST_TEST(r.data.at("content").as_string() == "frozen-abi");
  BOOST_TEST(r.data.at("resolved").as_string() == (p.work / "probe.txt").string());
  BOOST_TEST(r.data.at("dry_run").as_int64() == 0);
  BOOST_TEST(r.data.at("host_abi_major").as_int64() == RT_ABI_MAJOR);
  BOOST_TEST(r.data.at("host_abi_minor").as_int64() == RT_ABI_MINOR);
  // The host hands its whole (newer, longer) table; the plugin reads only its 1.0 prefix.
  BOOST_TEST(r.data.at("host_table_bytes").as_int64() == std::int64_t{sizeof(rt_host_api)});
  BOOST_TEST(r.data.at("plugin_table_bytes").as_int64() < std::int64_t{sizeof(rt_host_api)});

  std::vector<std::string> types;
  for (const auto &e : p.f.journal_of(r.job_id)) types.push_back(RuntimeFixture::type_of(e));
  BOOST_TEST((types == std::vector<std::string>{"job.started", "job.note", "job.completed"}));
  const json::object note = p.f.journal_of(r.job_id).at(1);
  BOOST_TEST(note.at("note").as_string() == "abi_probe.read");
  BOOST_TEST(note.at("data").at("bytes").as_int64() == 10);
}

BOOST_AUTO_TEST_CASE(a_1_0_plugin_fails_through_set_error_with_its_message_and_hint) {
  Probe p;
  std::ofstream(p.work / "probe.txt") << "";
  const JobResult r = p.f.rt->run("AbiProbe", "{}", p.in_work());
  BOOST_TEST(r.status == JobStatus::failed);
  BOOST_TEST(r.exit_code() == 1);
  BOOST_TEST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->message == "probe.txt is empty");
  BOOST_TEST(r.error->hint == "write a word into probe.txt");
}

BOOST_AUTO_TEST_CASE(a_1_0_plugin_gets_the_hosts_path_refusal_in_validate) {
  Probe p;
  std::filesystem::create_symlink("/etc/shadow", p.work / "probe.txt");  // a protected file
  const JobResult r = p.f.rt->run("AbiProbe", "{}", p.in_work());
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.stage == "validate");
  BOOST_TEST(r.exit_code() == 3);
  BOOST_TEST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "denied");
}
