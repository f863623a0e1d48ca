// Hostile plugins through the `runtimo` command (issue 8): whatever a plugin does in execute —
// segfault, abort(), exit(0), a loop that ignores --timeout, a fork that returns twice — the
// command ends with one JSON object on stdout, the exit code that says what happened, one
// terminal event in the journal, and a home that keeps working.
#define BOOST_TEST_MODULE hostile_plugins_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <sstream>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string crashers() { return (fs::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / "crashers").string(); }

// The objects on stdout, one per line; a line that is not a JSON object fails the test.
std::vector<json::object> objects_in(const std::string &out) {
  std::vector<json::object> objects;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) objects.push_back(json::parse(line).as_object());
  return objects;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_crash_ends_the_command_with_one_object_and_its_exit_code) {
  Cli cli;
  struct Case {
    const char *capability;
    int exit_code;
    const char *kind;
    std::vector<std::string> extra;
  };
  const std::vector<Case> cases{
      {"Segfault", 1, "plugin_crashed", {}},
      {"Abort", 1, "plugin_crashed", {}},
      {"Exit", 1, "plugin_crashed", {}},
      {"Hang", 124, "timeout", {"--timeout", "1"}},
      {"ForkReturn", 0, "", {}},
  };
  for (const Case &c : cases) {
    std::vector<std::string> args{"run", c.capability, "{}", "--plugin-dir", crashers(), "--json"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const Captured r = cli(args);
    BOOST_TEST_CONTEXT(c.capability << ": " << r.err) {
      BOOST_TEST(r.exit_code == c.exit_code);
      const auto objects = objects_in(r.out);
      BOOST_REQUIRE(objects.size() == 1u);
      if (c.exit_code != 0) BOOST_TEST(objects[0].at("error").at("kind").as_string() == c.kind);
    }
  }
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
  BOOST_TEST(cli({"wal", "verify"}).exit_code == 0);
  BOOST_TEST(cli({"run", "FileRead", R"({"path":"/etc/hostname"})"}).exit_code == 0);
}
