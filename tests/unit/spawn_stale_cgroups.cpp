// spawn_stale_cgroups.cpp — `runtimo gc`'s sweep of job cgroups (remove_stale_job_cgroups): an
// empty job cgroup older than the minimum age goes; one that still holds a detached command
// stays, as does one just made; a dry run removes nothing.
#define BOOST_TEST_MODULE spawn_stale_cgroups
#include <boost/test/unit_test.hpp>

#include "spawn/orphaned_commands.hpp"
#include "spawn_test_support.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <utime.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace runtimo::spawn;
using namespace runtimo::spawn::test;
namespace fs = std::filesystem;

namespace {

// Makes the cgroup look two hours old (kernfs keeps the times it is given).
void backdate(const fs::path &dir) {
  const std::time_t then = std::time(nullptr) - 7200;
  const utimbuf times{then, then};
  BOOST_REQUIRE(::utime(dir.c_str(), &times) == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(empty_old_job_cgroups_go_and_populated_or_young_ones_stay) {
  if (!cgroup_support().available) {
    BOOST_TEST_MESSAGE("skipped: " << cgroup_support().why_not);
    return;
  }
  const fs::path empty_old = job_cgroup_path(fresh_spawn_id());
  const fs::path empty_young = job_cgroup_path(fresh_spawn_id());
  BOOST_REQUIRE(::mkdir(empty_old.c_str(), 0755) == 0);
  BOOST_REQUIRE(::mkdir(empty_young.c_str(), 0755) == 0);
  backdate(empty_old);

  SpawnRequest detached = shell("sleep 987661 > /dev/null 2>&1 &");
  detached.detach = true;
  const SpawnResult r = run_process(detached);
  BOOST_REQUIRE_EQUAL(r.leftovers.size(), 1u);
  const fs::path populated = job_cgroup_path(detached.id);
  BOOST_REQUIRE(fs::exists(populated));
  backdate(populated);

  BOOST_TEST(remove_stale_job_cgroups(std::chrono::seconds(60), true) >= 1u);
  BOOST_TEST(fs::exists(empty_old));  // a dry run removes nothing

  remove_stale_job_cgroups(std::chrono::seconds(60), false);
  BOOST_TEST(!fs::exists(empty_old));
  BOOST_TEST(fs::exists(empty_young));
  BOOST_TEST(fs::exists(populated));

  ::kill(static_cast<pid_t>(r.leftovers.front().pid), SIGKILL);
  ::rmdir(empty_young.c_str());
  // The detached reaper removes the cgroup once its last process is gone (watched).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fs::exists(populated) && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  BOOST_TEST(!fs::exists(populated));
}
