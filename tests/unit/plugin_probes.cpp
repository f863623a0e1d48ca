// plugin_probes.cpp — a plugin file is loaded in a probe process before the host trusts it: one
// that crashes, exits or hangs while loading (in its constructors, its entry function or the
// host's read of its table) is reported with what happened and where, the plugins beside it
// load, no probe outlives the load, and the verdicts are remembered by the file's identity
// until the file changes.
#define BOOST_TEST_MODULE plugin_probes
#include <boost/test/unit_test.hpp>

#include "plugin/file_identity.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/probe_cache.hpp"
#include "plugin/probe_verdict.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace runtimo::plugin;
using runtimo::test::TempDir;

namespace {

fs::path case_dir(const std::string &name) {
  return fs::path(runtimo::test::required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / name;
}
fs::path case_file(const std::string &name) {
  return case_dir(name) / ("libcap_" + name + ".so");
}

LoadOptions options_for(std::vector<fs::path> dirs, ProbeCache *cache = nullptr) {
  LoadOptions options;
  options.dirs = std::move(dirs);
  options.probe_cache = cache;
  options.probe_timeout = std::chrono::seconds(1);  // ctor_hang costs one second, not five
  return options;
}

const PluginRecord &record_of(const PluginRegistry &registry, const fs::path &file) {
  for (const PluginRecord &record : registry.records())
    if (record.path == file) return record;
  throw std::runtime_error("no record of " + file.string());
}

bool contains(const std::string &text, const std::string &fragment) {
  return text.find(fragment) != std::string::npos;
}

// The processes this test process has started and not yet reaped.
std::string children() {
  std::string out;
  for (const auto &task : fs::directory_iterator("/proc/self/task"))
    out += runtimo::test::read_file(task.path() / "children");
  return out;
}

// A private copy of a case's library, so a test may touch or rewrite it.
fs::path copy_case(const TempDir &dir, const std::string &name, const std::string &as) {
  const fs::path target = dir / as;
  fs::copy_file(case_file(name), target, fs::copy_options::overwrite_existing);
  fs::permissions(target, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  return target;
}

const std::vector<std::string> kHazards = {"ctor_segv",  "ctor_exit",   "ctor_hang", "entry_crash",
                                           "entry_exit", "table_crash", "long_name"};

std::vector<fs::path> hazard_dirs_and_good_c() {
  std::vector<fs::path> dirs = {case_dir("good_c")};
  for (const std::string &name : kHazards) dirs.push_back(case_dir(name));
  return dirs;
}

}  // namespace

BOOST_AUTO_TEST_CASE(plugins_that_die_while_loading_are_reported_and_the_others_load) {
  const auto registry = PluginRegistry::load(options_for(hazard_dirs_and_good_c()));
  BOOST_TEST(registry->records().size() == kHazards.size() + 1);
  BOOST_TEST(registry->find("Echo") != nullptr);
  BOOST_TEST(record_of(*registry, case_file("good_c")).loaded);
  BOOST_TEST(record_of(*registry, case_file("good_c")).probe == "passed");

  const std::string in_dlopen = " while loading, in dlopen() (its static constructors";
  const std::string in_entry = " while loading, in runtimo_plugin_entry()";
  const std::string skipped =
      "; it is skipped until the file changes: replace it with a fixed "
      "build or remove it";
  struct Expected {
    std::string name, probe, what;
  };
  const std::vector<Expected> expected = {
      {"ctor_segv", "crashed", ": killed by signal 11 (SIGSEGV)" + in_dlopen},
      {"ctor_exit", "exited", ": called exit(0)" + in_dlopen},
      {"ctor_hang", "hung",
       ": did not finish loading within 1 s, in dlopen() (its static constructors"},
      {"entry_crash", "crashed", ": killed by signal 11 (SIGSEGV)" + in_entry + skipped},
      {"entry_exit", "exited", ": called exit(3)" + in_entry + skipped},
      {"table_crash", "crashed",
       ": killed by signal 11 (SIGSEGV) while loading, while the host read "
       "its plugin table (a pointer in it is invalid)" +
           skipped},
      {"long_name", "rejected",
       ": capability #0 of plugin load_hazard: the capability name is "
       "10240 bytes long; at most 64 are allowed"},
  };
  for (const Expected &e : expected) {
    BOOST_TEST_CONTEXT(e.name) {
      const PluginRecord &record = record_of(*registry, case_file(e.name));
      BOOST_TEST(!record.loaded);
      BOOST_TEST(record.probe == e.probe);
      BOOST_TEST(!record.probe_cached);
      BOOST_TEST(record.reason.starts_with(record.path.string() + e.what), record.reason);
      BOOST_TEST(record.capabilities.empty());
    }
  }
  BOOST_TEST(
      contains(record_of(*registry, case_file("ctor_hang")).reason, "so its probe was killed"));
  // The table's header was read before the name went wrong.
  BOOST_TEST(record_of(*registry, case_file("long_name")).name == "load_hazard");
  BOOST_TEST(record_of(*registry, case_file("long_name")).abi_major == unsigned{RT_ABI_MAJOR});
}

BOOST_AUTO_TEST_CASE(no_probe_outlives_the_load_that_started_it) {
  BOOST_TEST_REQUIRE(children().empty());
  const auto registry = PluginRegistry::load(options_for(hazard_dirs_and_good_c()));
  BOOST_TEST(children().empty(), "left behind: " << children());
}

BOOST_AUTO_TEST_CASE(a_host_that_ignores_sigchld_still_gets_verdicts_it_can_trust) {
  // The kernel then reaps the probes itself: a verdict on the pipe still counts, a death
  // without one cannot be told from another and is neither believed nor remembered.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  BOOST_TEST_REQUIRE(::sigaction(SIGCHLD, &ignore, &previous) == 0);
  TempDir home;
  ProbeCache cache(home / "plugin-probes");
  const auto registry =
      PluginRegistry::load(options_for({case_dir("good_c"), case_dir("ctor_segv")}, &cache));
  ::sigaction(SIGCHLD, &previous, nullptr);
  BOOST_TEST(registry->find("Echo") != nullptr);
  const PluginRecord &crashed = record_of(*registry, case_file("ctor_segv"));
  BOOST_TEST(!crashed.loaded);
  BOOST_TEST(crashed.probe == "failed");
  BOOST_TEST(contains(crashed.reason, "its exit status was lost: this process ignores SIGCHLD"),
             crashed.reason);
  cache.save();
  BOOST_TEST(!contains(runtimo::test::read_file(home / "plugin-probes"), "ctor_segv"));
}

BOOST_AUTO_TEST_CASE(verdicts_are_remembered_and_a_known_file_is_not_probed_again) {
  TempDir home;
  const fs::path cache_file = home / "plugin-probes";
  {
    ProbeCache cache(cache_file);
    const auto registry = PluginRegistry::load(options_for(hazard_dirs_and_good_c(), &cache));
    for (const PluginRecord &record : registry->records())
      BOOST_TEST(!record.probe_cached, record.path);
    cache.save();
  }
  const std::string text = runtimo::test::read_file(cache_file);
  BOOST_TEST(text.starts_with("runtimo "), text);
  for (const std::string &name : kHazards) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(
          contains(text, boost::json::serialize(boost::json::string(case_file(name).string()))));
    }
  }
  BOOST_TEST(contains(text, R"("outcome":"crashed","stage":"dlopen","signal":11)"), text);
  BOOST_TEST(contains(text, R"("outcome":"hung","stage":"dlopen","timeout_ms":1000)"), text);

  ProbeCache cache(cache_file);
  const auto again = PluginRegistry::load(options_for(hazard_dirs_and_good_c(), &cache));
  for (const PluginRecord &record : again->records()) {
    BOOST_TEST_CONTEXT(record.path) {
      BOOST_TEST(record.probe_cached);
      BOOST_TEST(!record.probe.empty());
    }
  }
  BOOST_TEST(again->find("Echo") != nullptr);
  BOOST_TEST(
      contains(record_of(*again, case_file("ctor_segv")).reason, "killed by signal 11 (SIGSEGV)"));
  BOOST_TEST(contains(record_of(*again, case_file("ctor_hang")).reason, "within 1 s"));
}

BOOST_AUTO_TEST_CASE(the_host_acts_on_the_cached_verdict_instead_of_probing) {
  // A verdict the cache holds for a good file is believed: the file is never probed (a probe
  // would pass) nor loaded.
  TempDir dir;
  const fs::path file = copy_case(dir, "good_c", "libcap_good_c.so");
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(file.c_str(), &st) == 0);
  ProbeCache cache(dir / "plugin-probes");
  cache.remember(file, FileIdentity::of(st), ProbeVerdict::killed(file, LoadStage::entry, SIGBUS));
  cache.save();

  ProbeCache reread(dir / "plugin-probes");
  const auto registry = PluginRegistry::load(options_for({dir.path()}, &reread));
  const PluginRecord &record = record_of(*registry, file);
  BOOST_TEST(!record.loaded);
  BOOST_TEST(record.probe == "crashed");
  BOOST_TEST(record.probe_cached);
  BOOST_TEST(contains(record.reason,
                      "killed by signal 7 (SIGBUS) while loading, in runtimo_plugin_entry()"),
             record.reason);
}

BOOST_AUTO_TEST_CASE(a_changed_file_is_probed_again) {
  TempDir dir;
  const fs::path file = copy_case(dir, "ctor_segv", "libcap_changing.so");
  ProbeCache cache(dir / "plugin-probes");
  const auto first = PluginRegistry::load(options_for({dir.path()}, &cache));
  BOOST_TEST(record_of(*first, file).probe == "crashed");
  BOOST_TEST(!record_of(*first, file).probe_cached);
  BOOST_TEST(record_of(*first, file).probe == "crashed");
  BOOST_TEST(
      record_of(*PluginRegistry::load(options_for({dir.path()}, &cache)), file).probe_cached);

  // Touched: the same bytes, another identity (mtime and ctime).
  const timespec later[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  ::usleep(2000);
  BOOST_TEST_REQUIRE(::utimensat(AT_FDCWD, file.c_str(), later, 0) == 0);
  const auto touched = PluginRegistry::load(options_for({dir.path()}, &cache));
  BOOST_TEST(!record_of(*touched, file).probe_cached);
  BOOST_TEST(record_of(*touched, file).probe == "crashed");

  // Rewritten with a good build: probed, passes, loads.
  copy_case(dir, "good_c", "libcap_changing.so");
  const auto fixed = PluginRegistry::load(options_for({dir.path()}, &cache));
  const PluginRecord &record = record_of(*fixed, file);
  BOOST_TEST(!record.probe_cached);
  BOOST_TEST(record.loaded, record.reason);
  BOOST_TEST(record.probe == "passed");
  BOOST_TEST(fixed->find("Echo") != nullptr);
}

BOOST_AUTO_TEST_CASE(a_damaged_or_foreign_cache_only_costs_a_probe) {
  TempDir dir;
  const fs::path file = copy_case(dir, "good_c", "libcap_good_c.so");
  for (const std::string &text :
       {std::string("garbage\n\x01\x02"), std::string("runtimo 0.0.1 plugin probes, ABI 9.9\n"),
        std::string()}) {
    std::ofstream(dir / "plugin-probes", std::ios::trunc) << text;
    ProbeCache cache(dir / "plugin-probes");
    const auto registry = PluginRegistry::load(options_for({dir.path()}, &cache));
    BOOST_TEST(record_of(*registry, file).loaded);
    BOOST_TEST(!record_of(*registry, file).probe_cached);
    cache.save();  // replaces what it could not use
    ProbeCache reread(dir / "plugin-probes");
    BOOST_TEST(
        record_of(*PluginRegistry::load(options_for({dir.path()}, &reread)), file).probe_cached);
  }
  // A cache that cannot be written (its directory is gone) is skipped.
  ProbeCache unwritable(dir / "missing" / "plugin-probes");
  const auto registry = PluginRegistry::load(options_for({dir.path()}, &unwritable));
  unwritable.save();
  BOOST_TEST(record_of(*registry, file).loaded);
}

BOOST_AUTO_TEST_CASE(a_verdict_survives_its_json_and_only_the_files_own_are_remembered) {
  const fs::path file = "/plugins/libcap_x.so";
  const ProbeVerdict hung =
      ProbeVerdict::timed_out(file, LoadStage::dlopen, std::chrono::milliseconds(1500));
  BOOST_TEST(hung.reason ==
             "/plugins/libcap_x.so: did not finish loading within 1.5 s, in dlopen() "
             "(its static constructors, or those of a library it needs), so its probe "
             "was killed; it is skipped until the file changes: replace it with a "
             "fixed build or remove it");
  const auto back =
      ProbeVerdict::from_json(boost::json::parse(boost::json::serialize(hung.to_json())));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->reason == hung.reason);
  BOOST_TEST(back->timeout.count() == 1500);
  BOOST_TEST((back->stage == LoadStage::dlopen));
  BOOST_TEST((back->outcome == ProbeOutcome::hung));

  BOOST_TEST(hung.worth_remembering());
  BOOST_TEST(ProbeVerdict::killed(file, LoadStage::entry, SIGSEGV).worth_remembering());
  BOOST_TEST(ProbeVerdict::exited_early(file, std::nullopt, 0).worth_remembering());
  // Not the file's doing: the OOM killer's SIGKILL, or a probe that could not start.
  BOOST_TEST(!ProbeVerdict::killed(file, LoadStage::dlopen, SIGKILL).worth_remembering());
  BOOST_TEST(
      !ProbeVerdict::not_run(file, "fork: Resource temporarily unavailable").worth_remembering());
  BOOST_TEST(!ProbeVerdict::from_json(boost::json::parse(R"({"outcome":"exploded"})")).has_value());
  BOOST_TEST(!ProbeVerdict::from_json(boost::json::parse(R"({"outcome":"crashed"})")).has_value());
}
