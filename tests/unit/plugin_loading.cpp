// plugin_loading.cpp — what a good plugin becomes in the registry (found by forgiving names,
// suggested for near misses, with its schema compiled), how duplicates resolve (first loaded
// wins, the later plugin is refused whole), the permission check, directory handling, and a
// mixed load of every test case at once.
#define BOOST_TEST_MODULE plugin_loading
#include <boost/test/unit_test.hpp>

#include "plugin/plugin_registry.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using runtimo::plugin::LoadedCapability;
using runtimo::plugin::LoadOptions;
using runtimo::plugin::PluginRecord;
using runtimo::plugin::PluginRegistry;

namespace {

fs::path case_dir(const std::string &name) {
  return fs::path(runtimo::test::required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / name;
}

std::unique_ptr<PluginRegistry> load_dirs(std::vector<fs::path> dirs, bool check_permissions = true) {
  LoadOptions options;
  options.dirs = std::move(dirs);
  options.check_permissions = check_permissions;
  return PluginRegistry::load(options);
}

const PluginRecord *record_of(const PluginRegistry &registry, const fs::path &file) {
  for (const PluginRecord &record : registry.records()) {
    if (record.path == file) return &record;
  }
  return nullptr;
}

bool contains(const std::string &text, const std::string &fragment) {
  return text.find(fragment) != std::string::npos;
}

bool has(const std::vector<std::string> &names, const std::string &name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A private copy of good_c's library in a fresh directory, for permission and name tests.
fs::path copy_good_c(const runtimo::test::TempDir &dir, const std::string &file_name) {
  const fs::path target = dir / file_name;
  fs::copy_file(case_dir("good_c") / "libcap_good_c.so", target);
  fs::permissions(target, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  return target;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_plugin_built_for_an_older_minor_loads) {
  static_assert(RT_ABI_MINOR >= 1, "the abi_1_0 case needs a host newer than 1.0");
  const auto registry = load_dirs({case_dir("abi_1_0")});
  BOOST_TEST_REQUIRE(registry->records().size() == 1u);
  const PluginRecord &record = registry->records().front();
  BOOST_TEST(record.loaded, record.reason);
  BOOST_TEST(record.abi_minor == 0u);
  BOOST_TEST(registry->find("Echo") != nullptr);
}

BOOST_AUTO_TEST_CASE(a_plain_c_plugin_loads_and_is_found_by_forgiving_names) {
  const auto registry = load_dirs({case_dir("good_c")});
  BOOST_TEST_REQUIRE(registry->records().size() == 1u);
  const PluginRecord &record = registry->records().front();
  BOOST_TEST(record.loaded, record.reason);
  BOOST_TEST(record.reason.empty());
  BOOST_TEST(record.name == "good_c");
  BOOST_TEST(record.version == "1.0.0");
  BOOST_TEST(record.abi_major == unsigned{RT_ABI_MAJOR});
  BOOST_TEST(record.abi_minor == unsigned{RT_ABI_MINOR});
  BOOST_TEST(record.capabilities == std::vector<std::string>{"Echo"});

  for (const char *spelling : {"Echo", "echo", "ECHO", "e-c_h-o", "_echo_"}) {
    const LoadedCapability *echo = registry->find(spelling);
    BOOST_TEST_CONTEXT(spelling) {
      BOOST_TEST_REQUIRE(echo != nullptr);
      BOOST_TEST(echo->name == "Echo");
    }
  }
  const LoadedCapability *echo = registry->find("echo");
  BOOST_TEST(echo->plugin_name == "good_c");
  BOOST_TEST(echo->plugin_version == "1.0.0");
  BOOST_TEST(echo->plugin_path == case_dir("good_c") / "libcap_good_c.so");
  BOOST_TEST(echo->description == "Return the arguments unchanged (test plugin)");
  BOOST_TEST(echo->flags == (RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT));
  BOOST_TEST(echo->validate != nullptr);
  BOOST_TEST(echo->execute != nullptr);
  BOOST_TEST(echo->schema.is_object());
  BOOST_TEST(boost::json::parse(echo->schema_text) == echo->schema);
  BOOST_TEST_REQUIRE(echo->compiled != nullptr);
  BOOST_TEST(echo->compiled->validate(boost::json::parse(R"({"text":"hi"})")).empty());
  const auto errors = echo->compiled->validate(boost::json::parse(R"({"text":5})"));
  BOOST_TEST_REQUIRE(!errors.empty());
  BOOST_TEST(errors.front().path == "/text");

  BOOST_TEST(registry->capabilities().size() == 1u);
  BOOST_TEST(registry->capabilities().front() == echo);
}

BOOST_AUTO_TEST_CASE(unknown_names_are_not_found_but_near_misses_are_suggested) {
  const auto registry = load_dirs({case_dir("good_c")});
  BOOST_TEST(registry->find("Echoes") == nullptr);
  BOOST_TEST(registry->find("") == nullptr);
  BOOST_TEST(registry->find("--") == nullptr);
  BOOST_TEST(has(registry->suggest("ech"), "Echo"));
  BOOST_TEST(has(registry->suggest("Ecko"), "Echo"));
  BOOST_TEST(has(registry->suggest("ECHOO"), "Echo"));
  BOOST_TEST(registry->suggest("ProcessSnapshot").empty());
}

BOOST_AUTO_TEST_CASE(capabilities_are_listed_by_name) {
  const auto registry = load_dirs({case_dir("throws"), case_dir("slow"), case_dir("good_c"),
                                   case_dir("order_probe"), case_dir("stdout_writer")});
  std::vector<std::string> names;
  for (const LoadedCapability *c : registry->capabilities()) names.push_back(c->name);
  BOOST_TEST(names == (std::vector<std::string>{"Echo", "OrderProbe", "Slow", "StdoutWriter",
                                                 "Throw"}));
}

BOOST_AUTO_TEST_CASE(a_colliding_capability_refuses_the_later_plugin_and_keeps_the_first) {
  const fs::path good = case_dir("good_c") / "libcap_good_c.so";
  const fs::path dup = case_dir("duplicate") / "libcap_dup_echo.so";
  {
    const auto registry = load_dirs({case_dir("good_c"), case_dir("duplicate")});
    BOOST_TEST_REQUIRE(registry->find("echo") != nullptr);
    BOOST_TEST(registry->find("echo")->plugin_name == "good_c");
    BOOST_TEST(registry->capabilities().size() == 1u);
    const PluginRecord *rejected = record_of(*registry, dup);
    BOOST_TEST_REQUIRE(rejected != nullptr);
    BOOST_TEST(!rejected->loaded);
    BOOST_TEST(rejected->reason == "capability echo of " + dup.string() +
                                       " is already provided by " + good.string() + " (as Echo)",
               rejected->reason);
    BOOST_TEST(record_of(*registry, good)->loaded);
  }
  {  // the order of the directories decides, nothing else
    const auto registry = load_dirs({case_dir("duplicate"), case_dir("good_c")});
    BOOST_TEST(registry->find("Echo")->plugin_name == "dup_echo");
    BOOST_TEST(contains(record_of(*registry, good)->reason, "capability Echo of " + good.string() +
                                                                " is already provided by " +
                                                                dup.string()));
  }
  {  // alone, the duplicate is a perfectly good plugin
    const auto registry = load_dirs({case_dir("duplicate")});
    BOOST_TEST(registry->records().front().loaded, registry->records().front().reason);
  }
}

BOOST_AUTO_TEST_CASE(a_second_plugin_with_a_taken_name_is_refused) {
  runtimo::test::TempDir dir;
  const fs::path copy = copy_good_c(dir, "libcap_good_c_copy.so");
  const auto registry = load_dirs({case_dir("good_c"), dir.path()});
  BOOST_TEST_REQUIRE(registry->records().size() == 2u);
  const PluginRecord *rejected = record_of(*registry, copy);
  BOOST_TEST_REQUIRE(rejected != nullptr);
  BOOST_TEST(!rejected->loaded);
  BOOST_TEST(rejected->reason == "plugin good_c of " + copy.string() + " is already loaded from " +
                                     (case_dir("good_c") / "libcap_good_c.so").string(),
             rejected->reason);
}

BOOST_AUTO_TEST_CASE(a_world_writable_plugin_is_refused_unless_the_check_is_off) {
  const fs::path file = case_dir("writable") / "libcap_writable.so";
  {
    const auto registry = load_dirs({case_dir("writable")});
    BOOST_TEST_REQUIRE(registry->records().size() == 1u);
    const PluginRecord &record = registry->records().front();
    BOOST_TEST(!record.loaded);
    BOOST_TEST(record.reason == file.string() +
                                    " is writable by other users (mode 0666): refusing to load "
                                    "it; fix with chmod go-w " + file.string(),
               record.reason);
    BOOST_TEST(registry->find("WritableProbe") == nullptr);
  }
  {
    const auto registry = load_dirs({case_dir("writable")}, /*check_permissions=*/false);
    BOOST_TEST(registry->records().front().loaded, registry->records().front().reason);
    BOOST_TEST(registry->find("writable_probe") != nullptr);
  }
}

BOOST_AUTO_TEST_CASE(a_plugin_in_a_group_writable_directory_is_refused) {
  runtimo::test::TempDir dir;
  const fs::path file = copy_good_c(dir, "libcap_good_c.so");
  BOOST_TEST_REQUIRE(::chmod(dir.path().c_str(), 0775) == 0);
  const auto registry = load_dirs({dir.path()});
  BOOST_TEST_REQUIRE(registry->records().size() == 1u);
  const std::string real_dir = fs::canonical(dir.path()).string();
  BOOST_TEST(registry->records().front().reason ==
                 file.string() + ": its directory " + real_dir +
                     " is writable by other users (mode 0775): refusing to load it; fix with "
                     "chmod go-w " + real_dir,
             registry->records().front().reason);
  BOOST_TEST(load_dirs({dir.path()}, false)->find("echo") != nullptr);
}

BOOST_AUTO_TEST_CASE(a_plugin_owned_by_another_user_is_refused) {
  if (::geteuid() != 0) {
    BOOST_TEST_MESSAGE("not root: cannot give a file away; ownership check not exercised");
    return;
  }
  runtimo::test::TempDir dir;
  const fs::path file = copy_good_c(dir, "libcap_good_c.so");
  BOOST_TEST_REQUIRE(::chown(file.c_str(), 65534, 65534) == 0);
  const auto registry = load_dirs({dir.path()});
  const std::string reason = registry->records().front().reason;
  BOOST_TEST(contains(reason, file.string() + " is owned by uid 65534, neither root nor the "
                                              "runtime's uid 0: refusing to load it"),
             reason);
}

BOOST_AUTO_TEST_CASE(a_symlinked_plugin_is_checked_where_it_really_lives) {
  runtimo::test::TempDir real;
  runtimo::test::TempDir links;
  const fs::path target = copy_good_c(real, "libcap_good_c.so");
  fs::create_symlink(target, links / "libcap_good_c.so");
  BOOST_TEST(load_dirs({links.path()})->find("echo") != nullptr);
  BOOST_TEST_REQUIRE(::chmod(real.path().c_str(), 0777) == 0);
  const auto registry = load_dirs({links.path()});
  BOOST_TEST(registry->find("echo") == nullptr);
  BOOST_TEST(contains(registry->records().front().reason, "its directory " +
                                                              fs::canonical(real.path()).string() +
                                                              " is writable by other users"));
}

BOOST_AUTO_TEST_CASE(missing_directories_are_skipped_silently) {
  const auto registry =
      load_dirs({"/nonexistent/runtimo-test-plugins", case_dir("good_c"), "relative/missing"});
  BOOST_TEST(registry->records().size() == 1u);
  BOOST_TEST(registry->find("echo") != nullptr);
}

BOOST_AUTO_TEST_CASE(a_directory_that_cannot_be_read_is_recorded) {
  runtimo::test::TempDir dir;
  const fs::path not_a_dir = dir / "plugins";
  { std::FILE *f = std::fopen(not_a_dir.c_str(), "w"); BOOST_TEST_REQUIRE(f != nullptr); std::fclose(f); }
  const auto registry = load_dirs({not_a_dir, case_dir("good_c")});
  BOOST_TEST_REQUIRE(registry->records().size() == 2u);
  BOOST_TEST(registry->records().front().path == not_a_dir);
  BOOST_TEST(!registry->records().front().loaded);
  BOOST_TEST(registry->records().front().reason ==
             "plugin directory " + not_a_dir.string() + " is not a directory");
  BOOST_TEST(registry->find("echo") != nullptr);

  if (::geteuid() != 0) {  // root reads any directory
    const fs::path locked = dir / "locked";
    fs::create_directory(locked);
    BOOST_TEST_REQUIRE(::chmod(locked.c_str(), 0) == 0);
    const auto again = load_dirs({locked});
    BOOST_TEST_REQUIRE(again->records().size() == 1u);
    BOOST_TEST(contains(again->records().front().reason, "cannot read plugin directory " + locked.string()));
    ::chmod(locked.c_str(), 0700);
  }
}

BOOST_AUTO_TEST_CASE(only_libcap_files_are_candidates) {
  runtimo::test::TempDir dir;
  copy_good_c(dir, "libgood_c.so");
  copy_good_c(dir, "libcap_good_c.so.1");
  copy_good_c(dir, "cap_good_c.so");
  BOOST_TEST(load_dirs({dir.path()})->records().empty());
}

BOOST_AUTO_TEST_CASE(loading_every_case_at_once_keeps_the_good_and_records_each_bad_one) {
  const fs::path root = runtimo::test::required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR");
  std::vector<fs::path> dirs = {root / "good_c"};  // first, so it wins over `duplicate`
  std::size_t files = 0;
  std::vector<fs::path> others;
  for (const auto &entry : fs::directory_iterator(root)) {
    if (entry.path().filename() != "good_c") others.push_back(entry.path());
    for (const auto &file : fs::directory_iterator(entry.path())) {
      if (file.path().filename().string().starts_with("libcap_")) ++files;
    }
  }
  std::sort(others.begin(), others.end());
  dirs.insert(dirs.end(), others.begin(), others.end());

  LoadOptions options;
  options.dirs = dirs;
  options.probe_timeout = std::chrono::seconds(1);  // ctor_hang is among them
  const auto registry = PluginRegistry::load(options);
  BOOST_TEST(registry->records().size() == files);
  std::set<std::string> loaded;
  for (const PluginRecord &record : registry->records()) {
    BOOST_TEST_CONTEXT(record.path) {
      if (record.loaded) {
        loaded.insert(record.name);
        BOOST_TEST(record.reason.empty());
      } else {
        BOOST_TEST(contains(record.reason, record.path.string()), record.reason);
      }
    }
  }
  // The bad cases are a fixed list; every other case is a good plugin, and loads.
  const std::set<std::string> bad_cases{"missing_symbol", "wrong_major",   "newer_minor",
                                        "null_execute",   "bad_table",     "invalid_schema",
                                        "duplicate",      "not_a_library", "writable",
                                        "abi_1_0",  // good_c again: a plugin already loaded
                                        "ctor_segv", "ctor_exit", "ctor_hang", "entry_crash",
                                        "entry_exit", "table_crash", "long_name"};
  std::size_t good_files = 0;
  for (const PluginRecord &record : registry->records()) {
    const std::string case_name = record.path.parent_path().filename().string();
    BOOST_TEST_CONTEXT(record.path) {
      BOOST_TEST(record.loaded == !bad_cases.contains(case_name), record.reason);
      if (record.loaded) ++good_files;
    }
  }
  BOOST_TEST(loaded.size() == good_files);
  BOOST_TEST(loaded.contains("good_c"));
  BOOST_TEST(registry->find("Echo") != nullptr);
  BOOST_TEST(registry->find("echo")->plugin_name == "good_c");  // not the duplicate
}

BOOST_AUTO_TEST_CASE(the_shipped_plugins_all_load) {
  const fs::path dir = runtimo::test::required_env("RUNTIMO_TEST_PLUGIN_DIR");
  const auto registry = load_dirs({dir});
  if (registry->records().empty()) {
    BOOST_TEST_MESSAGE("no shipped plugins built in " << dir << " yet");
  }
  for (const PluginRecord &record : registry->records()) {
    BOOST_TEST(record.loaded, record.path.string() << ": " << record.reason);
  }
}

BOOST_AUTO_TEST_CASE(only_for_loads_the_plugin_named_after_the_capability_and_falls_back_to_all) {
  LoadOptions options;
  options.dirs = {case_dir("good_c"), case_dir("noter"), case_dir("slow")};
  // libcap_noter.so is not named after Note, libcap_slow.so is named after Slow.
  options.only_for = "slow";
  const auto slow = PluginRegistry::load(options);
  BOOST_TEST_REQUIRE(slow->records().size() == 1u);
  BOOST_TEST(slow->records().front().name == "slow");
  BOOST_TEST(slow->find("Slow") != nullptr);
  // No file is named after Echo (it lives in libcap_good_c.so): every file is tried.
  options.only_for = "Echo";
  const auto echo = PluginRegistry::load(options);
  BOOST_TEST(echo->records().size() == 3u);
  BOOST_TEST(echo->find("Echo") != nullptr);
  // A name nothing provides loads everything, and finds nothing.
  options.only_for = "NoSuchThing";
  BOOST_TEST(PluginRegistry::load(options)->records().size() == 3u);
}
