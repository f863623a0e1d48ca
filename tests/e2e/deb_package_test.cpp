// The Debian package: `cpack -G DEB` from the build directory makes runtimo_<version>_<arch>.deb
// with sane metadata, installing to /usr and depending on libc6 alone; extracted into a
// temporary root (dpkg-deb -x: no root, no dpkg database needed), its usr/bin/runtimo runs
// FileRead with the plugins beside it. Installing it on a fresh Debian (`apt install ./…deb`)
// is what this cannot do; everything the package holds is checked here.
#define BOOST_TEST_MODULE deb_package
#include <boost/test/unit_test.hpp>

#include "tool_runner.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <memory>
#include <set>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct Package {
  TempDir root;
  fs::path out = root / "out";
  fs::path extracted = root / "extracted";
  fs::path deb;

  Package() {
    const fs::path build = required_env("RUNTIMO_TEST_BUILD_DIR");
    run_ok({tool("RUNTIMO_TEST_CPACK"), "-G", "DEB", "--config",
            (build / "CPackConfig.cmake").string(), "-B", out.string()});
    for (const auto &entry : fs::directory_iterator(out))
      if (entry.path().extension() == ".deb") {
        if (!deb.empty())
          throw std::runtime_error("cpack made more than one .deb in " + out.string());
        deb = entry.path();
      }
    if (deb.empty()) throw std::runtime_error("cpack made no .deb in " + out.string());
    run_ok({tool("RUNTIMO_TEST_DPKG_DEB"), "-x", deb.string(), extracted.string()});
  }

  std::string field(const std::string &name) const {
    return lines_of(run_ok({tool("RUNTIMO_TEST_DPKG_DEB"), "-f", deb.string(), name}).out).at(0);
  }
};

// Built and extracted once; a failure is reported by every case, not retried by each.
const Package &package() {
  static std::unique_ptr<Package> done;
  static std::string failure;
  if (!done && failure.empty()) {
    try {
      done = std::make_unique<Package>();
    } catch (const std::exception &e) {
      failure = e.what();
    }
  }
  if (!done) throw std::runtime_error("building the package failed: " + failure);
  return *done;
}

std::set<std::string> bundled_plugin_files() {
  std::set<std::string> names;
  for (const auto &entry : fs::directory_iterator(required_env("RUNTIMO_TEST_PLUGIN_DIR"))) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("libcap_") && name.ends_with(".so")) names.insert(name);
  }
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_package_is_named_after_its_name_version_and_architecture) {
  const Package &p = package();
  BOOST_TEST(p.field("Package") == "runtimo");
  BOOST_TEST(p.field("Version") == required_env("RUNTIMO_TEST_VERSION"));
  BOOST_TEST(p.deb.filename() ==
             "runtimo_" + p.field("Version") + "_" + p.field("Architecture") + ".deb");
}

BOOST_AUTO_TEST_CASE(the_package_metadata_names_a_maintainer_a_section_and_a_description) {
  const Package &p = package();
  run_ok({tool("RUNTIMO_TEST_DPKG_DEB"), "-I", p.deb.string()});
  BOOST_TEST(p.field("Maintainer").find('@') != std::string::npos);
  BOOST_TEST(p.field("Section") == "admin");
  const std::vector<std::string> description =
      lines_of(run_ok({tool("RUNTIMO_TEST_DPKG_DEB"), "-f", p.deb.string(), "Description"}).out);
  BOOST_TEST_REQUIRE(description.size() > 3u);
  BOOST_TEST(description[0].find("capability runtime") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_package_depends_on_libc6_alone_and_its_binaries_need_nothing_more) {
  const Package &p = package();
  BOOST_TEST(!p.field("Depends").empty());
  if (required_env("RUNTIMO_TEST_STATIC_HOST") != "1") {
    BOOST_TEST_MESSAGE("RUNTIMO_STATIC_HOST is OFF: the host links shared Boost and libstdc++");
    return;
  }
  // dpkg-shlibdeps computed it, e.g. "libc6 (>= 2.34)".
  const std::string depends = p.field("Depends");
  BOOST_TEST(depends.starts_with("libc6"), depends);
  BOOST_TEST(depends.find(',') == std::string::npos, depends);
  // Why: the host links Boost, libcrypto and libstdc++ statically; plugins carry their own.
  std::vector<fs::path> binaries{p.extracted / "usr/bin/runtimo"};
  for (const auto &name : bundled_plugin_files())
    binaries.push_back(p.extracted / "usr/lib/runtimo/plugins" / name);
  for (const auto &binary : binaries)
    for (const std::string &needed : needed_libraries(binary))
      BOOST_TEST(is_libc6_library(needed), binary << " needs " << needed);
}

BOOST_AUTO_TEST_CASE(the_package_installs_the_command_plugins_and_sdk_under_usr) {
  const Package &p = package();
  for (const char *file :
       {"usr/bin/runtimo", "usr/include/runtimo/abi.h", "usr/include/runtimo/sdk.hpp",
        "usr/lib/cmake/Runtimo/RuntimoConfig.cmake", "usr/lib/pkgconfig/runtimo.pc",
        "usr/share/runtimo/runtimo.json", "usr/share/doc/runtimo/writing-a-capability.md"})
    BOOST_TEST(fs::is_regular_file(p.extracted / file), file);
  for (const auto &name : bundled_plugin_files())
    BOOST_TEST(fs::is_regular_file(p.extracted / "usr/lib/runtimo/plugins" / name), name);
  // Everything belongs to root and nothing is writable by group or others (the plugin loader
  // refuses such plugins and directories).
  for (const auto &line :
       lines_of(run_ok({tool("RUNTIMO_TEST_DPKG_DEB"), "-c", p.deb.string()}).out)) {
    BOOST_TEST_CONTEXT(line) {
      BOOST_TEST(line.substr(11, 10) == "root/root ");
      BOOST_TEST(line[5] != 'w');
      BOOST_TEST(line[8] != 'w');
      BOOST_TEST(line.find(" ./usr/") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_extracted_runtimo_runs_file_read_with_the_plugins_beside_it) {
  const Package &p = package();
  const fs::path runtimo = p.extracted / "usr/bin/runtimo";
  const fs::path home = p.root / "home";
  const fs::path config = p.root / "no-guard.json";
  std::ofstream(config) << R"({"guard":{"enabled":false}})";
  const fs::path file = p.root / "hello.txt";
  std::ofstream(file) << "hello from the package\n";

  const Captured run = run_capture(
      {runtimo.string(), "run", "FileRead", json::serialize(json::object{{"path", file.string()}}),
       "--json", "--home", home.string(), "--config", config.string()});
  BOOST_TEST_REQUIRE(run.exit_code == 0, run.out << run.err);
  const json::object job = json::parse(run.out).as_object();
  BOOST_TEST(job.at("data").at("content").as_string() == "hello from the package\n");

  const Captured listed = run_capture({runtimo.string(), "plugins", "--json", "--home",
                                       home.string(), "--config", config.string()});
  BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.err);
  std::set<std::string> files;
  const json::value listing = json::parse(listed.out);
  for (const auto &plugin : listing.as_array()) {
    const fs::path path(std::string(plugin.at("path").as_string()));
    BOOST_TEST(path.parent_path() == p.extracted / "usr/lib/runtimo/plugins", path);
    files.insert(path.filename().string());
  }
  BOOST_TEST(files == bundled_plugin_files());
}
