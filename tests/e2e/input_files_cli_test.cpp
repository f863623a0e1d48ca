// input_files_cli_test.cpp — the `runtimo` command's input files and start-up refusals, as a
// user meets them: --args-file reads regular files of at most 16 MiB (or stdin) through the
// runtime's read policy (protected files exit 3, without a byte of them printed), refuses FIFOs,
// devices and directories without opening them (exit 2); a home in a system directory and a
// write prefix of "/" stop the command at start-up with a hint (exit 2).
#define BOOST_TEST_MODULE input_files_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "open_watch.hpp"

#include <boost/json.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// `{"path": "<path>"}` padded with spaces to exactly `size` bytes.
std::string padded_args(const std::string &path, std::size_t size) {
  std::string text = json::serialize(json::object{{"path", path}});
  text.append(size - text.size(), ' ');
  return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(args_file_that_is_protected_exits_3_and_prints_nothing_of_it) {
  Cli cli;
  fs::create_directories(cli.dir.path());
  fs::create_symlink("/etc/shadow", cli.dir / "args.json");
  // What the file holds (readable here when the tests run as root): none of it may appear.
  std::string first_line;
  std::getline(std::ifstream("/etc/shadow"), first_line);
  for (const std::string &file : {std::string("/etc/shadow"), (cli.dir / "args.json").string()}) {
    const Captured c = cli({"run", "FileRead", "--args-file", file});
    BOOST_TEST(c.exit_code == 3, file);
    BOOST_TEST(contains(c.err, "--args-file: "), c.err);
    BOOST_TEST(contains(c.err, "/etc/shadow"), c.err);
    BOOST_TEST(contains(c.err, "is protected: Runtimo never reads or writes it"), c.err);
    BOOST_TEST(contains(c.err, "hint: "), c.err);
    if (!first_line.empty()) BOOST_TEST(!contains(c.out + c.err, first_line));
  }
}

BOOST_AUTO_TEST_CASE(args_file_under_a_configured_protected_path_exits_3) {
  Cli cli;
  fs::create_directories(cli.dir / "vault");
  std::ofstream(cli.dir / "vault" / "args.json") << R"({"path":"/etc/hostname"})";
  const auto config = cli.dir / "config.json";
  std::ofstream(config) << json::serialize(json::object{
      {"paths", json::object{{"protected",
                              json::array{(fs::canonical(cli.dir.path()) / "vault").string()}}}}});
  const Captured c = cli({"run", "FileRead", "--args-file",
                          (cli.dir / "vault" / "args.json").string(), "--config", config.string()});
  BOOST_TEST(c.exit_code == 3);
  BOOST_TEST(contains(c.err, "paths.protected"), c.err);
}

BOOST_AUTO_TEST_CASE(args_file_that_is_a_fifo_is_refused_and_its_writer_stays_blocked) {
  Cli cli;
  const auto fifo = cli.dir / "args.fifo";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  OpenWatch watch(fifo);
  BlockedFifoWriter writer(fifo);
  const Captured c = cli({"run", "FileRead", "--args-file", fifo.string()});
  BOOST_TEST(c.exit_code == 2);
  BOOST_TEST(contains(c.err, "is a FIFO: Runtimo opens only regular files, and did not open it"),
             c.err);
  BOOST_TEST(watch.opens() == 0);
  BOOST_TEST(writer.in_open());
}

BOOST_AUTO_TEST_CASE(args_file_that_is_a_device_or_a_directory_is_refused) {
  Cli cli;
  OpenWatch watch("/dev/full");
  for (const char *device : {"/dev/full", "/dev/zero"}) {
    const Captured c = cli({"run", "FileRead", "--args-file", device});
    BOOST_TEST(c.exit_code == 2, device);
    BOOST_TEST(contains(c.err, std::string(device) + " is a character device"), c.err);
  }
  BOOST_TEST(watch.opens() == 0);
  const Captured d = cli({"run", "FileRead", "--args-file", cli.dir.path().string()});
  BOOST_TEST(d.exit_code == 2);
  BOOST_TEST(contains(d.err, "is a directory"), d.err);
}

BOOST_AUTO_TEST_CASE(args_file_of_16_mib_is_read_and_one_byte_more_is_refused) {
  Cli cli;
  const std::string target = (cli.dir / "x.txt").string();
  std::ofstream(target) << "x";
  std::ofstream(cli.dir / "exact.json", std::ios::binary) << padded_args(target, 16u << 20);
  std::ofstream(cli.dir / "large.json", std::ios::binary) << padded_args(target, (16u << 20) + 1);
  BOOST_TEST(cli({"run", "FileRead", "--args-file", (cli.dir / "exact.json").string()}).exit_code ==
             0);
  const Captured c = cli({"run", "FileRead", "--args-file", (cli.dir / "large.json").string()});
  BOOST_TEST(c.exit_code == 2);
  BOOST_TEST(contains(c.err, "is 16777217 bytes, more than the 16 MiB (16777216 bytes)"), c.err);
  // Standard input is bounded the same way (the command stops reading at the limit, so the
  // rest of what this test writes meets a closed pipe).
  ::signal(SIGPIPE, SIG_IGN);
  BOOST_TEST(cli({"run", "FileRead", "--args-file", "-"}, padded_args(target, 1000)).exit_code ==
             0);
  const Captured s =
      cli({"run", "FileRead", "--args-file", "-"}, padded_args(target, (16u << 20) + 1));
  BOOST_TEST(s.exit_code == 2);
  BOOST_TEST(contains(s.err, "(standard input) holds more than the 16 MiB"), s.err);
}

BOOST_AUTO_TEST_CASE(args_file_that_is_not_json_is_never_quoted) {
  Cli cli;
  const std::string secret = "sk-live-feedface0123";
  fs::create_directories(cli.dir.path());
  std::ofstream(cli.dir / "args.txt") << "TOKEN=" << secret << "\n";
  const Captured c = cli({"run", "FileRead", "--args-file", (cli.dir / "args.txt").string()});
  BOOST_TEST(c.exit_code == 2);
  BOOST_TEST(!contains(c.out + c.err, secret));
  BOOST_TEST(!contains(c.out + c.err, "TOKEN"));
}

BOOST_AUTO_TEST_CASE(a_home_in_a_system_directory_stops_the_command_with_a_hint) {
  Cli cli;
  fs::create_directories(cli.dir.path());
  fs::create_directory_symlink("/usr", cli.dir / "usr-link");
  for (const std::string &home : {std::string("/etc"), std::string("/"), std::string("/var"),
                                  (cli.dir / "usr-link" / "runtimo").string()}) {
    const Captured c = run_capture({cli.bin, "list", "--home", home});
    BOOST_TEST(c.exit_code == 2, home);
    BOOST_TEST(contains(c.err, "system directory"), c.err);
    BOOST_TEST(contains(c.err,
                        "hint: pass --home DIR, a private directory such as "
                        "~/.local/state/runtimo"),
               c.err);
  }
  BOOST_TEST(!fs::exists("/usr/runtimo"));
}

BOOST_AUTO_TEST_CASE(a_write_prefix_of_root_stops_the_command_with_a_hint) {
  Cli cli;
  const Captured env =
      run_capture({cli.bin, "list", "--home", cli.home.string()}, {}, {"RUNTIMO_ALLOWED_PATHS=/"});
  BOOST_TEST(env.exit_code == 2);
  BOOST_TEST(contains(env.err, "write prefix \"/\" resolves to /"), env.err);
  BOOST_TEST(contains(env.err, "hint: "), env.err);
  const auto config = cli.dir / "config.json";
  std::ofstream(config) << R"({"paths":{"write_prefixes":["/tmp/.."]}})";
  const Captured file = cli({"list", "--config", config.string()});
  BOOST_TEST(file.exit_code == 2);
  BOOST_TEST(contains(file.err, "write prefix \"/tmp/..\" resolves to /"), file.err);
}
