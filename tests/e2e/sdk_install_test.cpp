// The SDK installs and works from the installed tree alone: `cmake --install` into a temporary
// prefix, the two example plugins (sdk/examples) configured and built out of tree against that
// prefix only, checked for what they export and need, and run by the installed `runtimo`,
// which finds its own bundled plugins without --plugin-dir. The install and the two example
// builds happen once, for all cases (the C++ example compiles Boost.JSON).
#define BOOST_TEST_MODULE sdk_install
#include <boost/test/unit_test.hpp>

#include "tool_runner.hpp"

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <fstream>
#include <memory>
#include <set>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const fs::path kSource = required_env("RUNTIMO_TEST_SOURCE_DIR");
const fs::path kBuild = required_env("RUNTIMO_TEST_BUILD_DIR");

void make_plugin_dir(const fs::path &dir) {
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
}

// Copies a plugin into `dir` with the permissions the loader accepts whatever the umask.
void drop_plugin(const fs::path &library, const fs::path &dir) {
  const fs::path target = dir / library.filename();
  fs::copy_file(library, target, fs::copy_options::overwrite_existing);
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
}

struct Installed {
  TempDir root;
  fs::path prefix = root / "prefix";
  fs::path runtimo = prefix / "bin" / "runtimo";
  fs::path plugins = root / "plugins";  // the examples, dropped in a directory of their own
  fs::path home = root / "home";
  fs::path config = root / "no-guard.json";  // a busy test machine must not refuse a job
  // The examples as installed (share/doc/runtimo/examples), so nothing of the source tree takes
  // part.
  fs::path examples = prefix / "share/doc/runtimo/examples";

  Installed() {
    const std::string cmake = tool("RUNTIMO_TEST_CMAKE");
    run_ok({cmake, "--install", kBuild.string(), "--prefix", prefix.string()});
    make_plugin_dir(plugins);
    for (const char *example : {"word_count", "uptime"}) {
      const fs::path build = root / example;
      run_ok({cmake, "-S", (examples / example).string(), "-B", build.string(),
              "-DCMAKE_PREFIX_PATH=" + prefix.string(), "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"});
      run_ok({cmake, "--build", build.string(), "-j2"});
      drop_plugin(build / ("libcap_" + std::string(example) + ".so"), plugins);
    }
    std::ofstream(config) << R"({"guard":{"enabled":false}})";
  }

  // The installed `runtimo ARGS... --home H --config C` (no --plugin-dir unless given).
  Captured operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), runtimo.string());
    args.insert(args.end(), {"--home", home.string(), "--config", config.string()});
    return run_capture(args);
  }
  Captured run_example(const std::string &capability, const json::value &args,
                       std::vector<std::string> more = {}) const {
    std::vector<std::string> argv{"run",    capability,     json::serialize(args),
                                  "--json", "--plugin-dir", plugins.string()};
    argv.insert(argv.end(), more.begin(), more.end());
    return (*this)(argv);
  }
};

// Installed and built once; a failure is reported by every case, not retried by each.
const Installed &installed() {
  static std::unique_ptr<Installed> done;
  static std::string failure;
  if (!done && failure.empty()) {
    try {
      done = std::make_unique<Installed>();
    } catch (const std::exception &e) {
      failure = e.what();
    }
  }
  if (!done)
    throw std::runtime_error("installing the SDK and building the examples failed: " + failure);
  return *done;
}

json::object job_of(const Captured &c) {
  BOOST_TEST_INFO("stdout: " << c.out << "\nstderr: " << c.err);
  return json::parse(c.out).as_object();
}

std::set<std::string> plugin_files_in(const fs::path &dir) {
  std::set<std::string> names;
  for (const auto &entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("libcap_") && name.ends_with(".so")) names.insert(name);
  }
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(install_puts_the_command_the_plugins_the_config_and_the_sdk_under_the_prefix) {
  const Installed &i = installed();
  for (const char *file :
       {"bin/runtimo", "include/runtimo/abi.h", "include/runtimo/sdk.hpp",
        "lib/cmake/Runtimo/RuntimoConfig.cmake", "lib/cmake/Runtimo/RuntimoConfigVersion.cmake",
        "lib/cmake/Runtimo/RuntimoPlugin.cmake", "lib/cmake/Runtimo/runtimo_plugin.map",
        "lib/pkgconfig/runtimo.pc", "share/runtimo/runtimo.json",
        "share/runtimo/runtimo.schema.json", "share/runtimo/sdk/boost_json.cpp",
        "share/doc/runtimo/writing-a-capability.md"})
    BOOST_TEST(fs::is_regular_file(i.prefix / file), file);
  // Every bundled plugin of the build, and nothing else.
  BOOST_TEST(plugin_files_in(i.prefix / "lib/runtimo/plugins") ==
             plugin_files_in(required_env("RUNTIMO_TEST_PLUGIN_DIR")));
  // The shipped default configuration is the text compiled into the binary.
  BOOST_TEST(read_file(i.prefix / "share/runtimo/runtimo.json") ==
             read_file(kSource / "conf/runtimo.json"));
}

BOOST_AUTO_TEST_CASE(the_installed_runtimo_loads_its_bundled_plugins_and_not_the_builds) {
  const Installed &i = installed();
  const Captured c = i({"plugins", "--json"});
  BOOST_TEST_REQUIRE(c.exit_code == 0, c.err);
  std::set<std::string> files;
  const json::value listing = json::parse(c.out);
  for (const auto &p : listing.as_array()) {
    const fs::path path(std::string(p.at("path").as_string()));
    BOOST_TEST(path.parent_path() == i.prefix / "lib/runtimo/plugins", path);
    BOOST_TEST(p.at("loaded").as_bool(), path);
    files.insert(path.filename().string());
  }
  BOOST_TEST(files == plugin_files_in(required_env("RUNTIMO_TEST_PLUGIN_DIR")));
}

BOOST_AUTO_TEST_CASE(the_examples_are_built_against_the_installed_package_alone) {
  const Installed &i = installed();
  const std::string include = (i.prefix / "include").string();
  for (const char *example : {"word_count", "uptime"}) {
    BOOST_TEST_CONTEXT(example) {
      const std::string cache = read_file(i.root / example / "CMakeCache.txt");
      BOOST_TEST(cache.find("Runtimo_DIR:PATH=" + (i.prefix / "lib/cmake/Runtimo").string() +
                            "\n") != std::string::npos);
      const json::value commands =
          json::parse(read_file(i.root / example / "compile_commands.json"));
      BOOST_TEST_REQUIRE(!commands.as_array().empty());
      for (const auto &c : commands.as_array()) {
        const std::string command(c.at("command").as_string());
        const fs::path file(std::string(c.at("file").as_string()));
        BOOST_TEST_CONTEXT(command) {
          BOOST_TEST(command.find(kSource.string() + "/") == std::string::npos);
          if (file.filename() == "boost_json.cpp")  // the installed copy, compiled in
            BOOST_TEST(file == i.prefix / "share/runtimo/sdk/boost_json.cpp");
          else
            BOOST_TEST((command.find(" -isystem " + include + " ") != std::string::npos ||
                        command.find(" -I" + include + " ") != std::string::npos));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(each_example_plugin_exports_only_the_entry_symbol) {
  const Installed &i = installed();
  for (const char *file : {"libcap_word_count.so", "libcap_uptime.so"})
    BOOST_TEST(defined_dynamic_symbols(i.plugins / file) ==
                   std::vector<std::string>{RT_PLUGIN_ENTRY_SYMBOL},
               file);
}

BOOST_AUTO_TEST_CASE(the_example_plugins_need_no_shared_cxx_library) {
  const Installed &i = installed();
  for (const char *file : {"libcap_word_count.so", "libcap_uptime.so"})
    for (const std::string &needed : needed_libraries(i.plugins / file))
      BOOST_TEST(is_libc6_library(needed), file << " needs " << needed);
}

BOOST_AUTO_TEST_CASE(the_installed_runtimo_runs_the_cxx_example_on_a_file) {
  const Installed &i = installed();
  const fs::path file = i.root / "words.txt";
  std::ofstream(file) << "one two  three\nfour\tfive\n";
  const json::object job = job_of(i.run_example("WordCount", {{"path", file.string()}}));
  BOOST_TEST(job.at("exit_code").as_int64() == 0);
  const json::object &data = job.at("data").as_object();
  BOOST_TEST(data.at("lines").as_int64() == 2);
  BOOST_TEST(data.at("words").as_int64() == 5);
  BOOST_TEST(data.at("bytes").as_int64() == 25);
  BOOST_TEST(data.at("path").as_string() == file.string());

  const Captured dry = i.run_example("WordCount", {{"path", file.string()}}, {"--dry-run"});
  BOOST_TEST(dry.exit_code == 0, dry.err);
  BOOST_TEST(job_of(dry).at("dry_run").as_bool());
}

BOOST_AUTO_TEST_CASE(the_cxx_example_gets_the_hosts_refusals) {
  const Installed &i = installed();
  // validate() asks the path policy: a protected file is refused before execute.
  const Captured denied = i.run_example("WordCount", {{"path", "/etc/shadow"}});
  BOOST_TEST(denied.exit_code == 3, denied.out);
  BOOST_TEST(job_of(denied).at("error").at("kind").as_string() == "denied");
  // The schema the example declares is enforced by the host.
  const Captured no_path = i.run_example("WordCount", json::object{});
  BOOST_TEST(no_path.exit_code == 2, no_path.out);
}

BOOST_AUTO_TEST_CASE(the_installed_runtimo_runs_the_c_example) {
  const Installed &i = installed();
  const Captured c = i.run_example("Uptime", json::object{});
  BOOST_TEST_REQUIRE(c.exit_code == 0, c.out << c.err);
  const json::object job = job_of(c);
  BOOST_TEST(job.at("data").at("uptime_seconds").to_number<double>() > 0.0);
  BOOST_TEST(job.at("data").at("idle_seconds").to_number<double>() >= 0.0);
  BOOST_TEST(job.at("message").as_string().starts_with("up "));
  // Uptime takes no arguments: the schema says so and the host refuses any.
  BOOST_TEST(i.run_example("Uptime", {{"verbose", true}}).exit_code == 2);
}

// `pkg-config ARGS runtimo` against the installed prefix: its one line of output, trimmed.
std::string pkg_config(const Installed &i, const std::string &what) {
  const Captured c = run_ok({tool("RUNTIMO_TEST_PKG_CONFIG"), what, "runtimo"},
                            {"PKG_CONFIG_PATH=" + (i.prefix / "lib/pkgconfig").string()});
  const std::string line = lines_of(c.out).at(0);
  return line.substr(0, line.find_last_not_of(' ') + 1);
}

BOOST_AUTO_TEST_CASE(pkg_config_describes_the_installed_sdk) {
  const Installed &i = installed();
  BOOST_TEST(pkg_config(i, "--modversion") == required_env("RUNTIMO_TEST_VERSION"));
  BOOST_TEST(pkg_config(i, "--variable=abi_version") ==
             std::to_string(RT_ABI_MAJOR) + "." + std::to_string(RT_ABI_MINOR));
  const std::string cflags = pkg_config(i, "--cflags");
  BOOST_TEST_REQUIRE(cflags.starts_with("-I"), cflags);
  BOOST_TEST(fs::weakly_canonical(cflags.substr(2)) == fs::weakly_canonical(i.prefix / "include"));
  for (const char *variable : {"--variable=jsonsource", "--variable=exportmap"})
    BOOST_TEST(fs::is_regular_file(pkg_config(i, variable)), variable);
  BOOST_TEST(fs::weakly_canonical(pkg_config(i, "--variable=plugindir")) ==
             fs::weakly_canonical(i.prefix / "lib/runtimo/plugins"));
}

// The builds a Makefile would do with pkg-config (docs/writing-a-capability.md), then the
// installed runtimo runs the results.
BOOST_AUTO_TEST_CASE(pkg_config_builds_a_c_plugin) {
  const Installed &i = installed();
  const fs::path dir = i.root / "pkg-config-c";
  make_plugin_dir(dir);
  run_ok({tool("RUNTIMO_TEST_CC"), "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror",
          "-shared", "-fPIC", "-fvisibility=hidden", pkg_config(i, "--cflags"),
          (i.examples / "uptime/uptime.c").string(), "-o", (dir / "libcap_uptime.so").string()});
  BOOST_TEST(defined_dynamic_symbols(dir / "libcap_uptime.so") ==
             std::vector<std::string>{RT_PLUGIN_ENTRY_SYMBOL});
  const Captured c = i({"run", "Uptime", "--json", "--plugin-dir", dir.string()});
  BOOST_TEST(c.exit_code == 0, c.out << c.err);
}

BOOST_AUTO_TEST_CASE(pkg_config_builds_a_cxx_plugin_as_runtimo_add_plugin_does) {
  const Installed &i = installed();
  const fs::path dir = i.root / "pkg-config-cxx";
  make_plugin_dir(dir);
  const fs::path library = dir / "libcap_word_count.so";
  run_ok({tool("RUNTIMO_TEST_CXX"), "-std=c++20", "-shared", "-fPIC", "-fvisibility=hidden",
          "-fvisibility-inlines-hidden", pkg_config(i, "--cflags"),
          (i.examples / "word_count/word_count.cpp").string(),
          pkg_config(i, "--variable=jsonsource"), "-static-libstdc++", "-static-libgcc",
          "-Wl,--no-undefined", "-Wl,--version-script=" + pkg_config(i, "--variable=exportmap"),
          "-o", library.string()});
  BOOST_TEST(defined_dynamic_symbols(library) == std::vector<std::string>{RT_PLUGIN_ENTRY_SYMBOL});
  for (const std::string &needed : needed_libraries(library))
    BOOST_TEST(is_libc6_library(needed), needed);
  const fs::path file = i.root / "pkg-config-words.txt";
  std::ofstream(file) << "a b c\n";
  const Captured c = i({"run", "WordCount", json::serialize(json::object{{"path", file.string()}}),
                        "--json", "--plugin-dir", dir.string()});
  BOOST_TEST_REQUIRE(c.exit_code == 0, c.out << c.err);
  BOOST_TEST(job_of(c).at("data").at("words").as_int64() == 3);
}
