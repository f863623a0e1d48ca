// config_input_file.cpp — the configuration file is read like every input file: a regular
// file of at most 16 MiB outside the built-in protected set, never standard input; FIFOs,
// devices and directories are refused without being opened; a refusal or a file that is not
// JSON never has its bytes quoted, while a file accepted as JSON may have its keys named.
#define BOOST_TEST_MODULE config_input_file
#include <boost/test/unit_test.hpp>

#include "config/settings.hpp"
#include "config_refusal.hpp"
#include "open_watch.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
namespace config = runtimo::config;
using runtimo::test::TempDir;

namespace {

// What load_settings says about `file`.
std::string refusal_of(const fs::path &file, std::string *hint = nullptr) {
  return runtimo::test::config_refusal([&] { config::load_settings(file, false); }, hint);
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_regular_json_file_is_read) {
  TempDir dir;
  std::ofstream(dir / "c.json") << R"({"journal":{"sync":"never"}})";
  BOOST_TEST(refusal_of(dir / "c.json") == "(accepted)");
  BOOST_TEST(config::load_settings(dir / "c.json", false).sync == "never");
}

BOOST_AUTO_TEST_CASE(a_protected_file_is_refused_before_it_is_read) {
  TempDir dir;
  fs::create_symlink("/etc/shadow", dir / "innocent.json");
  for (const fs::path &file :
       {fs::path("/etc/shadow"), dir / "innocent.json", fs::path("/proc/self/environ")}) {
    std::string hint;
    const std::string message = refusal_of(file, &hint);
    BOOST_TEST(contains(message, "config file: "), message);
    BOOST_TEST(contains(message, "is protected"), message);
    BOOST_TEST(contains(hint, "built-in protected set"), hint);
  }
}

BOOST_AUTO_TEST_CASE(a_fifo_is_refused_and_its_blocked_writer_stays_blocked) {
  TempDir dir;
  const fs::path fifo = dir / "config.fifo";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  runtimo::test::OpenWatch watch(fifo);
  runtimo::test::BlockedFifoWriter writer(fifo);
  const std::string message = refusal_of(fifo);
  BOOST_TEST(contains(message, "is a FIFO: Runtimo opens only regular files, and did not open it"),
             message);
  BOOST_TEST(watch.opens() == 0);
  BOOST_TEST(writer.in_open());
}

BOOST_AUTO_TEST_CASE(devices_and_directories_are_refused) {
  TempDir dir;
  runtimo::test::OpenWatch watch("/dev/full");
  BOOST_TEST(contains(refusal_of("/dev/full"), "/dev/full is a character device"));
  BOOST_TEST(contains(refusal_of("/dev/null"), "/dev/null is a character device"));
  BOOST_TEST(watch.opens() == 0);
  BOOST_TEST(contains(refusal_of(dir.path()), "is a directory"));
  BOOST_TEST(contains(refusal_of(dir / "missing.json"), "No such file or directory"));
}

BOOST_AUTO_TEST_CASE(standard_input_is_refused) {
  std::string hint;
  BOOST_TEST(refusal_of("-", &hint) == "config file cannot be standard input (-)");
  BOOST_TEST(contains(hint, "runtimo mcp"));
}

BOOST_AUTO_TEST_CASE(a_file_over_16_mib_is_refused_and_16_mib_is_read) {
  TempDir dir;
  const std::string object = R"({"journal":{"sync":"never"}})";
  {
    std::ofstream out(dir / "exact.json", std::ios::binary);
    out << object << std::string((16u << 20) - object.size(), ' ');
  }
  BOOST_TEST(fs::file_size(dir / "exact.json") == 16u << 20);
  BOOST_TEST(refusal_of(dir / "exact.json") == "(accepted)");
  {
    std::ofstream out(dir / "large.json", std::ios::binary);
    out << object << std::string((16u << 20) - object.size() + 1, ' ');
  }
  std::string hint;
  const std::string message = refusal_of(dir / "large.json", &hint);
  BOOST_TEST(message == "config file " + fs::canonical(dir / "large.json").string() +
                            " is 16777217 bytes, more than the 16 MiB (16777216 bytes) an input "
                            "file may have");
  BOOST_TEST(hint == "pass a smaller file");
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_json_is_never_quoted) {
  TempDir dir;
  const std::string secret = "sk-live-0123456789abcdef";
  std::ofstream(dir / "env") << "API_KEY=" << secret << "\n";
  std::ofstream(dir / "half.json") << "{\"journal\": {\"sync\": \"" << secret << "\n";
  for (const char *name : {"env", "half.json"}) {
    std::string hint;
    const std::string message = refusal_of(dir / name, &hint);
    BOOST_TEST(contains(message, "invalid JSON"), message);
    BOOST_TEST(contains(message, "line 1, column"), message);
    BOOST_TEST(!contains(message + hint, secret));
    BOOST_TEST(!contains(message + hint, "API_KEY"));
  }
}

BOOST_AUTO_TEST_CASE(a_file_accepted_as_json_may_have_its_unknown_key_named) {
  TempDir dir;
  std::ofstream(dir / "c.json") << R"({"journal":{"synk":"never"}})";
  const std::string message = refusal_of(dir / "c.json");
  BOOST_TEST(contains(message, "unknown key \"synk\" at /journal"), message);
}
