// What an interface (the MCP server) needs of a running job: cancelling it from another thread
// (a plugin that looks at cancelled() returns; a supervised one that does not is killed after a
// short grace; either way the job ends job.cancelled), hearing of its events as they happen
// (started, notes, output), and narrowing the paths it may use to a client's roots.
#define BOOST_TEST_MODULE cancel_and_observe
#include <boost/test/unit_test.hpp>

#include "journal_invariants.hpp"
#include "runtime_fixture.hpp"
#include "temp_dir.hpp"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

// Runs `capability` on a thread, cancels it once it has started, and returns its result.
JobResult cancel_once_started(RuntimeFixture &f, const std::string &capability) {
  std::mutex m;
  std::condition_variable cv;
  bool started = false;
  RunOptions o;
  o.timeout = std::chrono::seconds(60);
  o.cancel = std::make_shared<std::atomic<bool>>(false);
  o.observer = [&](const JobEvent &e) {
    if (e.kind != "started") return;
    std::lock_guard lock(m);
    started = true;
    cv.notify_all();
  };
  JobResult result;
  std::thread runner([&] { result = f.rt->run(capability, "{}", o); });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started; });
  }
  o.cancel->store(true);
  runner.join();
  return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_plugin_that_looks_at_cancelled_ends_its_job_cancelled) {
  RuntimeFixture f({"slow"});
  const JobResult r = cancel_once_started(f, "Slow");
  BOOST_TEST(r.status == JobStatus::cancelled);
  BOOST_TEST(r.exit_code() == 130);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.cancelled"}));
}

BOOST_AUTO_TEST_CASE(a_supervised_plugin_that_ignores_cancellation_is_killed_and_its_job_cancelled) {
  RuntimeFixture f({"crashers"});
  const JobResult r = cancel_once_started(f, "Hang");
  BOOST_TEST(r.status == JobStatus::cancelled);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.cancelled"}));
  BOOST_TEST(f.run("Chat", {{"calls", 1}}).success);  // a new worker serves the next job
}

BOOST_AUTO_TEST_CASE(a_job_cancelled_before_it_starts_is_refused) {
  RuntimeFixture f({"slow"});
  RunOptions o;
  o.cancel = std::make_shared<std::atomic<bool>>(true);
  const JobResult r = f.rt->run("Slow", "{}", o);
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.error->kind == "cancelled");
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.rejected"}));
}

BOOST_AUTO_TEST_CASE(an_observer_hears_the_start_the_notes_and_the_output) {
  RuntimeFixture f({"noter"});
  std::vector<std::string> heard;
  std::mutex m;
  RunOptions o;
  o.observer = [&](const JobEvent &e) {
    std::lock_guard lock(m);
    heard.push_back(std::string(e.kind) + ":" + std::string(e.message));
  };
  const JobResult r = f.rt->run("Note", R"({"text":"hello"})", o);
  BOOST_REQUIRE(r.success);
  BOOST_TEST((heard == std::vector<std::string>{"started:Note", "note:noted", "output:noted"}));
}

BOOST_AUTO_TEST_CASE(roots_narrow_the_paths_a_job_may_use) {
  RuntimeFixture f;
  TempDir inside, outside;
  std::ofstream(inside / "a.txt") << "in";
  std::ofstream(outside / "b.txt") << "out";
  RunOptions o;
  o.roots = {inside.path()};
  const JobResult ok = f.rt->run("FileRead", "{\"path\":\"" + (inside / "a.txt").string() + "\"}", o);
  BOOST_TEST(ok.success);
  const JobResult refused = f.rt->run("FileRead", "{\"path\":\"" + (outside / "b.txt").string() + "\"}", o);
  BOOST_TEST(refused.exit_code() == 3);
  BOOST_TEST(refused.error->message.find("outside the roots") != std::string::npos, refused.error->message);
  // Without roots, the policy alone decides.
  BOOST_TEST(f.run("FileRead", {{"path", (outside / "b.txt").string()}}).success);
}
