// The `runtimo` command beside plugins that crash, exit or hang while loading: `list` and
// `run` keep working, `plugins --json` says what happened to each file, a runner remembers the
// verdicts so the next command forks no probe, a changed file is probed again, commands that
// need no plugin probe none, and `runtimo plugin check FILE` tells an operator beforehand.
#define BOOST_TEST_MODULE plugin_probe_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// One second, not five, for the hanging plugin; the tests never time anything themselves.
const bool kShortProbes = ::setenv("RUNTIMO_PLUGIN_PROBE_TIMEOUT", "1", 1) == 0;

const std::map<std::string, std::string> kHazards = {
    {"ctor_segv", "crashed"},   {"ctor_exit", "exited"},  {"ctor_hang", "hung"},
    {"entry_crash", "crashed"}, {"entry_exit", "exited"}, {"table_crash", "crashed"},
    {"long_name", "rejected"}};

fs::path case_file(const std::string &dir, const std::string &name) {
  return fs::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / dir / ("libcap_" + name + ".so");
}

// Private copies (tests touch them) of every hazard and of good_c in `dir`.
fs::path hazard_dir(const Cli &cli) {
  const fs::path dir = cli.dir / "plugins";
  fs::create_directory(dir);
  ::chmod(dir.c_str(), 0755);
  for (const auto &[name, outcome] : kHazards)
    fs::copy_file(case_file(name, name), dir / ("libcap_" + name + ".so"));
  fs::copy_file(case_file("good_c", "good_c"), dir / "libcap_good_c.so");
  for (const auto &e : fs::directory_iterator(dir)) ::chmod(e.path().c_str(), 0755);
  return dir;
}

json::array plugins_json(const Cli &cli, const fs::path &dir) {
  const Captured c = cli({"plugins", "--json", "--plugin-dir", dir.string()});
  BOOST_TEST_REQUIRE(c.exit_code == 0, c.err);
  return json::parse(c.out).as_array();
}

const json::object &record_of(const json::array &plugins, const fs::path &file) {
  for (const auto &p : plugins)
    if (p.at("path").as_string() == file.string()) return p.as_object();
  throw std::runtime_error("no record of " + file.string());
}

bool contains(std::string_view text, std::string_view fragment) {
  return text.find(fragment) != std::string_view::npos;
}

bool have_strace() {
  return ::access("/usr/bin/strace", X_OK) == 0;
}

// How many processes (not threads) `runtimo ARGS --home HOME` and its children created.
int processes_created(const Cli &cli, std::vector<std::string> args) {
  const fs::path log = cli.dir / "strace.log";
  std::vector<std::string> argv{
      "/usr/bin/strace", "-f",   "-qq", "-e", "trace=clone,clone3,fork,vfork", "-o",
      log.string(),      cli.bin};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--home", cli.home.string()});
  const Captured c = run_capture(argv, {}, {"RUNTIMO_CONFIG=" + cli.quiet_config.string()});
  BOOST_TEST_REQUIRE(c.exit_code != 127, c.err);
  std::istringstream lines(read_file(log));
  const std::regex creation(R"(^\d+\s+(clone|clone3|fork|vfork)\()");
  int n = 0;
  for (std::string line; std::getline(lines, line);)
    if (std::regex_search(line, creation) && !contains(line, "CLONE_THREAD")) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(list_and_run_work_beside_plugins_that_die_while_loading) {
  BOOST_TEST_REQUIRE(kShortProbes);
  Cli cli;
  const fs::path dir = hazard_dir(cli);
  const Captured list = cli({"list", "--json", "--plugin-dir", dir.string()});
  BOOST_TEST_REQUIRE(list.exit_code == 0, list.err);
  std::set<std::string> names;
  const json::value listed = json::parse(list.out);
  for (const auto &c : listed.as_array()) names.insert(std::string(c.at("name").as_string()));
  for (const char *name : {"Echo", "FileRead", "Kill", "ProcessList", "Telemetry"})
    BOOST_TEST(names.count(name) == 1u, name);
  BOOST_TEST(names.count("Hazard") == 0u);

  // `run FileRead` loads the files named after it: here also one whose constructor crashes.
  const fs::path shadow = cli.dir / "shadow";
  fs::create_directory(shadow);
  ::chmod(shadow.c_str(), 0755);
  fs::copy_file(case_file("ctor_segv", "ctor_segv"), shadow / "libcap_file_read.so");
  ::chmod((shadow / "libcap_file_read.so").c_str(), 0755);
  std::ofstream(cli.dir / "note.txt") << "still here\n";
  const std::string args = json::serialize(json::object{{"path", (cli.dir / "note.txt").string()}});
  for (const fs::path &d : {dir, shadow}) {
    const Captured run = cli({"run", "FileRead", args, "--json", "--plugin-dir", d.string()});
    BOOST_TEST(run.exit_code == 0, run.err);
    BOOST_TEST(json::parse(run.out).at("data").at("content").as_string() == "still here\n");
  }
  const json::array shadowed = plugins_json(cli, shadow);
  const json::object &crashed = record_of(shadowed, shadow / "libcap_file_read.so");
  BOOST_TEST(crashed.at("probe").as_string() == "crashed");
  BOOST_TEST(crashed.at("probe_cached").as_bool());  // `run` remembered it
}

BOOST_AUTO_TEST_CASE(plugins_json_says_what_happened_to_each_file) {
  Cli cli;
  const fs::path dir = hazard_dir(cli);
  const json::array plugins = plugins_json(cli, dir);
  const std::map<std::string, std::string> said = {
      {"ctor_segv", ": killed by signal 11 (SIGSEGV) while loading, in dlopen()"},
      {"ctor_exit", ": called exit(0) while loading, in dlopen()"},
      {"ctor_hang", ": did not finish loading within 1 s, in dlopen()"},
      {"entry_crash", ": killed by signal 11 (SIGSEGV) while loading, in runtimo_plugin_entry()"},
      {"entry_exit", ": called exit(3) while loading, in runtimo_plugin_entry()"},
      {"table_crash",
       ": killed by signal 11 (SIGSEGV) while loading, while the host read its plugin table"},
      {"long_name",
       ": capability #0 of plugin load_hazard: the capability name is 10240 bytes long; at most "
       "64"}};
  for (const auto &[name, outcome] : kHazards) {
    BOOST_TEST_CONTEXT(name) {
      const fs::path file = dir / ("libcap_" + name + ".so");
      const json::object &p = record_of(plugins, file);
      BOOST_TEST(!p.at("loaded").as_bool());
      BOOST_TEST(p.at("probe").as_string() == outcome);
      BOOST_TEST(!p.at("probe_cached").as_bool());
      const std::string reason(p.at("reason").as_string());
      BOOST_TEST(reason.starts_with(file.string() + said.at(name)), reason);
    }
  }
  BOOST_TEST(record_of(plugins, dir / "libcap_good_c.so").at("loaded").as_bool());
  const Captured text = cli({"plugins", "--plugin-dir", dir.string()});
  BOOST_TEST(contains(text.out, "REJECTED  " + (dir / "libcap_ctor_segv.so").string()), text.out);
}

BOOST_AUTO_TEST_CASE(a_runner_remembers_verdicts_so_the_next_command_forks_no_probe) {
  Cli cli;
  const fs::path dir = hazard_dir(cli);
  // No file is named after Echo: the runner loads, and so probes, every file.
  const Captured run = cli({"run", "Echo", R"({"text":"hi"})", "--plugin-dir", dir.string()});
  BOOST_TEST_REQUIRE(run.exit_code == 0, run.err);
  const std::string cache = read_file(cli.home / "index" / "plugin-probes");
  for (const auto &[name, outcome] : kHazards) {
    BOOST_TEST_CONTEXT(name) {
      const std::string file =
          json::serialize(json::string((dir / ("libcap_" + name + ".so")).string()));
      BOOST_TEST(contains(cache, file + R"( {"outcome":")" + outcome + "\""), cache);
    }
  }
  const json::array known = plugins_json(cli, dir);
  for (const auto &p : known) BOOST_TEST(p.at("probe_cached").as_bool(), p.at("path"));
  if (have_strace()) {
    BOOST_TEST(processes_created(cli, {"list", "--plugin-dir", dir.string()}) == 0);
    Cli fresh;
    BOOST_TEST(processes_created(fresh, {"list", "--plugin-dir", dir.string()}) >= 8);
  } else {
    BOOST_TEST_MESSAGE("no /usr/bin/strace: forks not counted");
  }

  // Touched: the same bytes, but the file changed, so it is probed again.
  const fs::path touched = dir / "libcap_ctor_segv.so";
  const timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  ::usleep(2000);
  BOOST_TEST_REQUIRE(::utimensat(AT_FDCWD, touched.c_str(), now, 0) == 0);
  const json::array after = plugins_json(cli, dir);
  BOOST_TEST(!record_of(after, touched).at("probe_cached").as_bool());
  BOOST_TEST(record_of(after, touched).at("probe").as_string() == "crashed");
  BOOST_TEST(record_of(after, dir / "libcap_ctor_exit.so").at("probe_cached").as_bool());
}

BOOST_AUTO_TEST_CASE(commands_that_need_no_plugin_probe_none) {
  if (!have_strace()) {
    BOOST_TEST_MESSAGE("no /usr/bin/strace: forks not counted");
    return;
  }
  Cli cli;
  const fs::path dir = hazard_dir(cli);
  BOOST_TEST_REQUIRE(cli({"run", "FileRead", R"({"path":"/proc/self/stat"})"}).exit_code == 0);
  for (const std::vector<std::string> &command : {std::vector<std::string>{"wal", "verify"},
                                                  {"logs"},
                                                  {"status"},
                                                  {"telemetry"},
                                                  {"processes"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--plugin-dir", dir.string()});
    BOOST_TEST(processes_created(cli, args) == 0, command.front());
  }
}

BOOST_AUTO_TEST_CASE(plugin_check_says_whether_a_file_would_load) {
  Cli cli;
  const Captured good = cli({"plugin", "check", case_file("good_c", "good_c").string()});
  BOOST_TEST(good.exit_code == 0, good.err);
  const std::string abi = std::to_string(RT_ABI_MAJOR) + "." + std::to_string(RT_ABI_MINOR);
  for (const std::string &line : {std::string(": would load\n"), "  plugin good_c 1.0.0, ABI " + abi + "\n",
                                 std::string("  capability Echo [read_only, idempotent]: OK (schema valid)\n"),
                                 std::string("  exports: runtimo_plugin_entry only\n")})
    BOOST_TEST(contains(good.out, line), good.out);

  const Captured as_json =
      cli({"plugin", "check", case_file("good_c", "good_c").string(), "--json"});
  BOOST_TEST(as_json.exit_code == 0);
  const json::value v = json::parse(as_json.out);
  BOOST_TEST(v.at("loads").as_bool());
  BOOST_TEST(v.at("probe").as_string() == "passed");
  BOOST_TEST(v.at("abi").as_string() == abi);
  BOOST_TEST(v.at("name").as_string() == "good_c");
  BOOST_TEST(v.at("capabilities").at(0).at("name").as_string() == "Echo");
  BOOST_TEST(v.at("capabilities").at(0).at("ok").as_bool());
  BOOST_TEST(v.at("extra_exports").as_array().empty());

  // A C++ plugin built without the export map: it loads, with a warning.
  const Captured leaky = cli({"plugin", "check", case_file("throws", "throws").string(), "--json"});
  BOOST_TEST(leaky.exit_code == 0);
  const json::value l = json::parse(leaky.out);
  BOOST_TEST(l.at("extra_exports").as_array().size() > 10u);
  BOOST_TEST(contains(l.at("warnings").at(0).as_string(), "symbols besides runtimo_plugin_entry"));
}

BOOST_AUTO_TEST_CASE(plugin_check_names_why_a_file_would_be_rejected_and_survives_it) {
  Cli cli;
  const auto check = [&](const fs::path &file) {
    return cli({"plugin", "check", file.string(), "--json"});
  };
  // The command itself would die (139) or hang had it loaded the file.
  const std::map<std::string, std::string> said = {
      {"ctor_segv", "killed by signal 11 (SIGSEGV) while loading, in dlopen()"},
      {"ctor_hang", "did not finish loading within 1 s"},
      {"entry_exit", "called exit(3) while loading, in runtimo_plugin_entry()"},
      {"long_name", "the capability name is 10240 bytes long; at most 64 are allowed"}};
  for (const auto &[name, fragment] : said) {
    BOOST_TEST_CONTEXT(name) {
      const Captured c = check(case_file(name, name));
      BOOST_TEST(c.exit_code == 1, c.err);
      const json::value v = json::parse(c.out);
      BOOST_TEST(!v.at("loads").as_bool());
      BOOST_TEST(contains(v.at("reason").as_string(), fragment), v.at("reason"));
    }
  }
  const json::value named = json::parse(check(case_file("long_name", "long_name")).out);
  BOOST_TEST(named.at("capabilities").at(0).at("problem").as_string() ==
             "the capability name is 10240 bytes long; at most 64 are allowed");

  const Captured garbage = check(case_file("not_a_library", "garbage"));
  BOOST_TEST(garbage.exit_code == 1);
  BOOST_TEST(contains(garbage.out, "is not an ELF shared object"));

  const fs::path open_file = cli.dir / "libcap_open.so";
  fs::copy_file(case_file("good_c", "good_c"), open_file);
  BOOST_TEST_REQUIRE(::chmod(open_file.c_str(), 0666) == 0);
  const Captured writable = cli({"plugin", "check", open_file.string()});
  BOOST_TEST(writable.exit_code == 1);
  BOOST_TEST(contains(writable.out, "is writable by other users (mode 0666)"), writable.out);
}

BOOST_AUTO_TEST_CASE(plugin_check_usage_errors_exit_2) {
  Cli cli;
  BOOST_TEST_REQUIRE(::mkfifo((cli.dir / "libcap_fifo.so").c_str(), 0600) == 0);
  const Captured fifo =
      cli({"plugin", "check", (cli.dir / "libcap_fifo.so").string()});  // never opened
  BOOST_TEST(fifo.exit_code == 2);
  BOOST_TEST(contains(fifo.err, "is a FIFO, not a plugin file"), fifo.err);
  const Captured dir = cli({"plugin", "check", cli.dir.path().string()});
  BOOST_TEST(dir.exit_code == 2);
  BOOST_TEST(contains(dir.err, "is a directory, not a plugin file"), dir.err);
  BOOST_TEST(cli({"plugin", "check", (cli.dir / "nothing.so").string()}).exit_code == 2);
  BOOST_TEST(cli({"plugin", "check"}).exit_code == 2);
  BOOST_TEST(cli({"plugin", "frobnicate", "x"}).exit_code == 2);
  BOOST_TEST(cli({"plugin"}).exit_code == 2);
  const Captured help = cli({"plugin", "--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(contains(help.out, "usage: runtimo plugin check FILE [--json]"));
}
