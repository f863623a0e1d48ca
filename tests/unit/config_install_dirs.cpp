// Which bundled plugin directory a binary loads: the installed one beside an installed binary,
// the build's for a binary of the build tree, and never both (config/install_dirs.hpp).
#define BOOST_TEST_MODULE config_install_dirs
#include <boost/test/unit_test.hpp>

#include "config/install_dirs.hpp"
#include "temp_dir.hpp"

using namespace runtimo;
using runtimo::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A tree with an executable at <root>/<bin>/runtimo; with `installed`, the plugin directory
// an installation puts beside it.
fs::path make_exe(const fs::path &root, bool installed) {
  fs::create_directories(root / "bin");
  if (installed) fs::create_directories(root / "bin" / config::plugin_dir_from_bin_dir());
  return root / "bin" / "runtimo";
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_installed_plugin_dir_lies_beside_the_bin_dir) {
  BOOST_TEST(config::plugin_dir_from_bin_dir().is_relative());
  BOOST_TEST(*config::plugin_dir_from_bin_dir().begin() == "..");
}

BOOST_AUTO_TEST_CASE(an_installed_binary_loads_the_plugins_beside_it) {
  TempDir t;
  const fs::path exe = make_exe(t / "prefix", true);
  const auto dir = config::bundled_plugin_dir_for(exe, t / "build", t / "build" / "plugins");
  BOOST_TEST_REQUIRE(dir.has_value());
  BOOST_TEST(*dir == (t / "prefix" / "bin" / config::plugin_dir_from_bin_dir()).lexically_normal());
  BOOST_TEST(fs::is_directory(*dir));
}

BOOST_AUTO_TEST_CASE(a_binary_of_the_build_tree_loads_the_builds_plugins) {
  TempDir t;
  const fs::path exe = make_exe(t / "build", false);
  const auto dir = config::bundled_plugin_dir_for(exe, t / "build", t / "build" / "plugins");
  BOOST_TEST_REQUIRE(dir.has_value());
  BOOST_TEST(*dir == t / "build" / "plugins");
}

BOOST_AUTO_TEST_CASE(a_build_dir_named_through_a_symlink_is_still_the_build_tree) {
  TempDir t;
  const fs::path exe = make_exe(t / "build", false);
  fs::create_directory_symlink(t / "build", t / "link");
  const auto dir = config::bundled_plugin_dir_for(exe, t / "link", t / "link" / "plugins");
  BOOST_TEST_REQUIRE(dir.has_value());
  BOOST_TEST(*dir == t / "link" / "plugins");
}

BOOST_AUTO_TEST_CASE(an_installation_staged_inside_the_build_tree_is_an_installation) {
  TempDir t;
  const fs::path exe = make_exe(t / "build" / "stage", true);
  const auto dir = config::bundled_plugin_dir_for(exe, t / "build", t / "build" / "plugins");
  BOOST_TEST_REQUIRE(dir.has_value());
  BOOST_TEST(*dir != t / "build" / "plugins");
  BOOST_TEST(fs::is_directory(*dir));
}

BOOST_AUTO_TEST_CASE(a_binary_elsewhere_without_plugins_beside_it_has_none) {
  TempDir t;
  const fs::path exe = make_exe(t / "elsewhere", false);
  BOOST_TEST(!config::bundled_plugin_dir_for(exe, t / "build", t / "build" / "plugins"));
}

BOOST_AUTO_TEST_CASE(this_test_program_of_the_build_tree_gets_the_builds_plugin_dir) {
  const auto dir = config::bundled_plugin_dir();
  BOOST_TEST_REQUIRE(dir.has_value());
  BOOST_TEST(*dir == fs::path(runtimo::test::required_env("RUNTIMO_TEST_PLUGIN_DIR")));
}
