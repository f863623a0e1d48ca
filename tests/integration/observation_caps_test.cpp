// The observation capabilities through the whole pipeline (Runtime::run → schema → plugin →
// the host's ABI 1.1 snapshot services): ProcessList against real `sleep` children of this
// test process, and Telemetry against /proc/meminfo and sysconf.
#define BOOST_TEST_MODULE observation_caps
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "runtime_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

std::int64_t integer(const json::value &v) {
  return v.to_number<std::int64_t>();
}

std::vector<std::int64_t> pids_of(const JobResult &r) {
  std::vector<std::int64_t> out;
  for (const auto &p : r.data.at("processes").as_array()) out.push_back(integer(p.at("pid")));
  return out;
}

bool contains(const std::vector<std::int64_t> &list, std::int64_t pid) {
  return std::find(list.begin(), list.end(), pid) != list.end();
}

std::uint64_t meminfo_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("MemTotal:", 0) == 0) {
      std::istringstream fields(line.substr(9));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  throw std::runtime_error("no MemTotal in /proc/meminfo");
}

std::set<std::string> keys_of(const json::value &v) {
  std::set<std::string> out;
  for (const auto &kv : v.as_object()) out.emplace(kv.key());
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------ ProcessList

BOOST_AUTO_TEST_CASE(process_list_finds_a_spawned_sleep_by_pid) {
  RuntimeFixture f;
  Sleeper sleeper("30");
  const JobResult r = f.run("ProcessList", {{"pid", sleeper.pid()}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_REQUIRE(r.success);
  BOOST_TEST(r.exit_code() == 0);
  BOOST_TEST(integer(r.data.at("matched")) == 1);
  BOOST_TEST(integer(r.data.at("returned")) == 1);
  const auto &p = r.data.at("processes").as_array().at(0);
  BOOST_TEST(integer(p.at("pid")) == sleeper.pid());
  BOOST_TEST(integer(p.at("ppid")) == ::getpid());
  BOOST_TEST(p.at("comm").as_string() == "sleep");
  BOOST_TEST(p.at("cmdline").as_string() == "/bin/sleep 30");
  BOOST_TEST(integer(p.at("uid")) == ::geteuid());
  const std::string total = json::serialize(r.data.at("summary").at("total"));
  BOOST_TEST(r.message == "1 of " + total + " processes match");
}

BOOST_AUTO_TEST_CASE(process_list_finds_a_spawned_sleep_by_name) {
  RuntimeFixture f;
  Sleeper sleeper("31");
  const JobResult any = f.run("ProcessList", {{"name", "sleep"}});
  BOOST_TEST_INFO(json::serialize(any.to_json()));
  BOOST_REQUIRE(any.success);
  BOOST_TEST(contains(pids_of(any), sleeper.pid()));
  for (const auto &p : any.data.at("processes").as_array()) {
    const std::string comm(p.at("comm").as_string()), cmdline(p.at("cmdline").as_string());
    BOOST_TEST(
        (comm.find("sleep") != std::string::npos || cmdline.find("sleep") != std::string::npos));
  }
  // The command line is searched too: "sleep 31" is in no comm.
  const JobResult mine = f.run("ProcessList", {{"name", "sleep 31"}, {"ppid", ::getpid()}});
  BOOST_REQUIRE(mine.success);
  BOOST_TEST(pids_of(mine) == std::vector<std::int64_t>{sleeper.pid()},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(process_list_sorts_and_limits_and_says_how_many_it_shows) {
  RuntimeFixture f;
  Sleeper first("40");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a later start, in clock ticks
  Sleeper second("41");
  // (Children of this test named sleep: the job's worker is a child of this process too.)
  const JobResult oldest = f.run(
      "ProcessList", {{"ppid", ::getpid()}, {"name", "sleep"}, {"sort", "start"}, {"limit", 1}});
  BOOST_TEST_INFO(json::serialize(oldest.to_json()));
  BOOST_REQUIRE(oldest.success);
  BOOST_TEST(integer(oldest.data.at("matched")) == 2);
  BOOST_TEST(integer(oldest.data.at("returned")) == 1);
  BOOST_TEST(pids_of(oldest) == std::vector<std::int64_t>{first.pid()},
             boost::test_tools::per_element());
  BOOST_TEST(oldest.message.find("2 of ") == 0);
  BOOST_TEST(oldest.message.find(", 1 shown") != std::string::npos);
  BOOST_TEST(oldest.data.at("query").at("sort").as_string() == "start");

  const JobResult by_rss = f.run("ProcessList", {{"sort", "rss"}, {"limit", 20}});
  BOOST_REQUIRE(by_rss.success);
  BOOST_TEST(integer(by_rss.data.at("returned")) ==
             std::min<std::int64_t>(20, integer(by_rss.data.at("matched"))));
  const auto &list = by_rss.data.at("processes").as_array();
  for (std::size_t i = 1; i < list.size(); ++i)
    BOOST_TEST(integer(list[i - 1].at("rss_bytes")) >= integer(list[i].at("rss_bytes")));

  const JobResult by_cpu = f.run("ProcessList", {{"sort", "cpu"}, {"cmdline", false}});
  BOOST_REQUIRE(by_cpu.success);
  const auto &cpu = by_cpu.data.at("processes").as_array();
  for (std::size_t i = 1; i < cpu.size(); ++i)
    BOOST_TEST(cpu[i - 1].at("cpu_pct").to_number<double>() >=
               cpu[i].at("cpu_pct").to_number<double>());
  BOOST_TEST(!cpu.at(0).as_object().contains("cmdline"));
}

BOOST_AUTO_TEST_CASE(process_list_tree_has_the_child_under_this_test_process) {
  RuntimeFixture f;
  Sleeper sleeper("32");
  const JobResult r = f.run("ProcessList", {{"tree", true}, {"cmdline", false}});
  BOOST_TEST_INFO(json::serialize(r.data.at("query")));
  BOOST_REQUIRE(r.success);
  const auto &list = r.data.at("processes").as_array();
  BOOST_TEST(integer(r.data.at("returned")) == integer(r.data.at("matched")));
  // Depth-first: the child comes after this process, deeper by one, and before anything at
  // this process's depth or above.
  std::optional<std::int64_t> my_depth;
  bool child_found = false;
  for (const auto &p : list) {
    const std::int64_t pid = integer(p.at("pid")), depth = integer(p.at("depth"));
    if (pid == ::getpid()) {
      my_depth = depth;
      continue;
    }
    if (!my_depth) continue;
    if (pid == sleeper.pid()) {
      BOOST_TEST(depth == *my_depth + 1);
      child_found = true;
      break;
    }
    BOOST_REQUIRE_MESSAGE(depth > *my_depth, "left this process's subtree before the child");
  }
  BOOST_TEST(my_depth.has_value());
  BOOST_TEST(child_found);
  BOOST_TEST(integer(list.at(0).at("depth")) == 0);
}

BOOST_AUTO_TEST_CASE(process_list_rejects_a_bad_sort_at_the_schema_with_exit_2) {
  RuntimeFixture f;
  const JobResult r = f.run("ProcessList", {{"sort", "memory"}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_TEST(!r.success);
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.exit_code() == 2);
  BOOST_TEST(r.stage == "schema");
  BOOST_REQUIRE(r.error.has_value());
  BOOST_REQUIRE(!r.error->details.empty());
  BOOST_TEST(r.error->details.front().path == "/sort");
  BOOST_TEST(json::serialize(r.to_json()).find("memory") != std::string::npos);

  for (const json::object &bad : {json::object{{"pid", 0}}, json::object{{"limit", 100001}},
                                  json::object{{"tree", "yes"}}, json::object{{"memory", 1}}}) {
    const JobResult b = f.run("ProcessList", bad);
    BOOST_TEST_INFO(json::serialize(bad));
    BOOST_TEST(b.exit_code() == 2);
    BOOST_TEST(b.stage == "schema");
  }
}

BOOST_AUTO_TEST_CASE(process_list_and_telemetry_are_read_only_rescue_capabilities) {
  RuntimeFixture f;
  for (const char *name : {"ProcessList", "Telemetry"}) {
    const auto info = f.rt->describe(name);
    BOOST_TEST_INFO(name);
    BOOST_REQUIRE(info.has_value());
    const std::set<std::string> flags(info->flags.begin(), info->flags.end());
    BOOST_TEST(flags == (std::set<std::string>{"idempotent", "read_only", "rescue"}),
               boost::test_tools::per_element());
    BOOST_TEST(!info->description.empty());
    BOOST_TEST(info->description.find('\n') == std::string::npos);
  }
}

// -------------------------------------------------------------------------------- Telemetry

BOOST_AUTO_TEST_CASE(telemetry_returns_only_the_sections_asked_for) {
  RuntimeFixture f;
  const JobResult r = f.run("Telemetry", {{"sections", json::array{"cpu", "memory"}}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_REQUIRE(r.success);
  std::set<std::string> sections = keys_of(r.data);
  sections.erase("capture");  // when and at what cost: present in every capture
  BOOST_TEST(sections == (std::set<std::string>{"cpu", "memory"}),
             boost::test_tools::per_element());
  BOOST_TEST(r.message.find("cpu ") == 0);
  BOOST_TEST(r.message.find("% available") != std::string::npos);
  BOOST_TEST(r.message.find("load/cpu ") != std::string::npos);

  const JobResult disks = f.run("Telemetry", {{"sections", json::array{"disks"}}});
  BOOST_REQUIRE(disks.success);
  BOOST_TEST(disks.data.as_object().contains("disks"));
  BOOST_TEST(!disks.data.as_object().contains("cpu"));
  BOOST_TEST(disks.message.find(" filesystem") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(telemetry_without_sections_captures_them_all) {
  RuntimeFixture f;
  for (const json::object &args : {json::object{}, json::object{{"sections", json::array{}}}}) {
    const JobResult r = f.run("Telemetry", args);
    BOOST_TEST_INFO(json::serialize(args));
    BOOST_REQUIRE(r.success);
    for (const char *s : {"host", "cpu", "memory", "disks", "network", "ports", "gpus"})
      BOOST_TEST(r.data.as_object().contains(s), s);
    if (std::ifstream("/proc/pressure/cpu")) BOOST_TEST(r.data.as_object().contains("pressure"));
  }
}

BOOST_AUTO_TEST_CASE(telemetry_memory_total_is_memtotal_of_proc_meminfo) {
  RuntimeFixture f;
  const JobResult r = f.run("Telemetry", {{"sections", json::array{"memory"}}});
  BOOST_REQUIRE(r.success);
  BOOST_TEST(r.data.at("memory").at("total_bytes").to_number<std::uint64_t>() ==
             meminfo_total_bytes());
}

BOOST_AUTO_TEST_CASE(telemetry_cpu_count_is_the_number_of_online_cpus) {
  RuntimeFixture f;
  const JobResult r = f.run("Telemetry", {{"sections", json::array{"cpu"}}});
  BOOST_REQUIRE(r.success);
  BOOST_TEST(integer(r.data.at("cpu").at("count")) == ::sysconf(_SC_NPROCESSORS_ONLN));
}

BOOST_AUTO_TEST_CASE(telemetry_rejects_unknown_or_repeated_sections_at_the_schema) {
  RuntimeFixture f;
  for (const json::object &bad :
       {json::object{{"sections", json::array{"swap"}}},
        json::object{{"sections", json::array{"cpu", "cpu"}}}, json::object{{"sections", "cpu"}},
        json::object{{"section", json::array{"cpu"}}}}) {
    const JobResult r = f.run("Telemetry", bad);
    BOOST_TEST_INFO(json::serialize(bad) << " → " << json::serialize(r.to_json()));
    BOOST_TEST(r.exit_code() == 2);
    BOOST_TEST(r.stage == "schema");
  }
}

BOOST_AUTO_TEST_CASE(an_observe_only_runtime_observes_and_writes_nothing) {
  TempDir dir;
  RuntimeOptions o;
  o.home = dir.path() / "home";
  o.use_environment = false;
  o.purpose = runtimo::RuntimeOptions::Purpose::observe;
  const auto rt = Runtime::open(o);
  const Sleeper sleeper("37.5");
  const json::value found = rt->processes(json::object{{"pid", sleeper.pid()}});
  BOOST_TEST_REQUIRE(found.at("processes").as_array().size() == 1u);
  BOOST_TEST(found.at("processes").at(0).at("cmdline").as_string() == "/bin/sleep 37.5");
  BOOST_TEST(rt->telemetry({"memory"}).as_object().contains("memory"));
  BOOST_TEST(rt->guard_state().as_object().contains("refusing"));
  BOOST_TEST(rt->list().empty());
  BOOST_CHECK_THROW(rt->run("ProcessList", "{}"), std::logic_error);
  // No journal was opened, not even the home was created.
  BOOST_TEST(!std::filesystem::exists(o.home));
  BOOST_TEST(rt->events(0).empty());
}
