// cli_runner.hpp — the `runtimo` binary (RUNTIMO_TEST_BIN) run as a user would, in a private
// temporary home: captured exit code, stdout and stderr, and the journal read back through
// `runtimo logs --json`. The resource guard is off (RUNTIMO_CONFIG names a config that says so)
// unless a test passes --config of its own, so a busy test machine cannot refuse a test's job.
#pragma once

#include "child_process.hpp"
#include "runtime_fixture.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace runtimo::test {

struct Cli {
  TempDir dir;
  std::filesystem::path home = dir / "home";
  std::string bin = required_env("RUNTIMO_TEST_BIN");
  std::filesystem::path quiet_config = [this] {
    const auto p = dir / "no-guard.json";
    std::ofstream(p) << R"({"guard":{"enabled":false}})";
    return p;
  }();

  // `runtimo ARGS... --home HOME`.
  Captured operator()(std::vector<std::string> args, const std::string &input = {}) const {
    args.insert(args.begin(), bin);
    args.push_back("--home");
    args.push_back(home.string());
    return run_capture(args, input, {"RUNTIMO_CONFIG=" + quiet_config.string()});
  }
  // `runtimo ARGS... --json --home HOME`: the object it printed (a test fails without one), the
  // exit code in `*code` when given.
  boost::json::object json_of(std::vector<std::string> args, int *code = nullptr) const {
    args.push_back("--json");
    const Captured c = (*this)(std::move(args));
    if (code != nullptr) *code = c.exit_code;
    BOOST_REQUIRE_MESSAGE(!c.out.empty(), "no output; stderr: " + c.err);
    return boost::json::parse(c.out).as_object();
  }
  std::vector<boost::json::object> journal(const std::string &job = {}) const {
    std::vector<std::string> args{"logs", "--json", "--tail", "0"};
    if (!job.empty()) args.insert(args.end(), {"--job", job});
    const Captured c = (*this)(args);
    std::vector<boost::json::object> out;
    std::istringstream lines(c.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) out.push_back(boost::json::parse(line).as_object());
    return out;
  }
  std::filesystem::path segment() const { return home / "wal" / "wal-00000001.jsonl"; }
};

}  // namespace runtimo::test
