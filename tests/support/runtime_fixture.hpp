// runtime_fixture.hpp — a Runtime in a private temporary home, for integration tests. The
// default config syncs nothing (a throwaway home) and turns the resource guard off, so a busy
// test machine cannot refuse a test's job; guard tests pass a config of their own.
#pragma once

#include "temp_dir.hpp"

#include <runtimo/runtime.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace runtimo::test {

struct RuntimeFixture {
  TempDir home;
  std::unique_ptr<Runtime> rt;

  explicit RuntimeFixture(std::vector<std::string> test_plugin_cases = {},
                          const std::string &config_text =
                              R"({"journal":{"sync":"never"},"guard":{"enabled":false}})") {
    RuntimeOptions o;
    o.home = home.path() / "home";
    o.use_environment = false;
    if (!config_text.empty()) {
      o.config_file = home.path() / "config.json";
      std::ofstream(o.config_file) << config_text;
    }
    for (const auto &c : test_plugin_cases)
      o.extra_plugin_dirs.push_back(std::filesystem::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / c);
    rt = Runtime::open(o);
  }

  JobResult run(const std::string &cap, const boost::json::value &args, RunOptions opts = {}) {
    return rt->run(cap, boost::json::serialize(args), opts);
  }

  // Every event in the journal, oldest first.
  std::vector<boost::json::object> journal() const {
    std::vector<boost::json::object> out;
    for (auto &e : rt->events(0)) out.push_back(e.as_object());
    return out;
  }
  std::vector<boost::json::object> journal_of(const std::string &job) const {
    std::vector<boost::json::object> out;
    for (auto &e : rt->events(0, job)) out.push_back(e.as_object());
    return out;
  }
  static std::string type_of(const boost::json::object &e) {
    return std::string(e.at("type").as_string());
  }
  // The types of one job's events, in journal order.
  std::vector<std::string> types_of(const std::string &job) const {
    std::vector<std::string> out;
    for (const auto &e : journal_of(job)) out.push_back(type_of(e));
    return out;
  }
};

}  // namespace runtimo::test
