// The pipeline's contract, through test plugins: rejections never reach execute and are
// journaled once with their stage; execute always follows a successful validate with the
// same arguments; throwing plugins, deadlines and dry-run are handled.
#define BOOST_TEST_MODULE pipeline
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

BOOST_AUTO_TEST_CASE(schema_violation_is_rejected_once_with_the_path_and_never_started) {
  RuntimeFixture f;
  const JobResult r = f.run("Kill", {{"pid", "twelve"}});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.stage == "schema");
  BOOST_TEST(r.exit_code() == 2);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "invalid_args");
  BOOST_TEST(r.error->details.at(0).path == "/pid");
  BOOST_TEST(!r.error->hint.empty());
  BOOST_TEST(f.types_of(r.job_id) == std::vector<std::string>{"job.rejected"});
  const auto ev = f.journal_of(r.job_id).at(0);
  BOOST_TEST(ev.at("stage").as_string() == "schema");
  BOOST_TEST(ev.at("error").at("details").as_array().size() >= 1u);
}

BOOST_AUTO_TEST_CASE(missing_required_and_unknown_properties_are_reported) {
  RuntimeFixture f;
  const JobResult r = f.run("Kill", {{"signal", 9}, {"color", "red"}});
  BOOST_TEST(r.exit_code() == 2);
  BOOST_TEST(r.error->details.size() >= 1u);
}

BOOST_AUTO_TEST_CASE(invalid_json_is_rejected_at_parse_with_the_position) {
  RuntimeFixture f;
  const JobResult r = f.rt->run("FileRead", "{\"path\": ", {});
  BOOST_TEST(r.stage == "parse");
  BOOST_TEST(r.exit_code() == 2);
  BOOST_TEST(r.error->message.find("line 1") != std::string::npos);
  const JobResult arr = f.rt->run("FileRead", "[1,2]", {});
  BOOST_TEST(arr.stage == "parse");
}

BOOST_AUTO_TEST_CASE(unknown_capability_gets_suggestions_and_forgiving_names_resolve) {
  RuntimeFixture f;
  const JobResult r = f.run("FileReed", json::object{});
  BOOST_TEST(r.stage == "resolve");
  BOOST_TEST(r.exit_code() == 2);
  BOOST_TEST(r.error->hint.find("FileRead") != std::string::npos);
  BOOST_TEST(f.types_of(r.job_id) == std::vector<std::string>{"job.rejected"});
  for (const char *name : {"file_read", "file-read", "FILEREAD", "fileRead"})
    BOOST_TEST(f.rt->describe(name).has_value(), name);
}

BOOST_AUTO_TEST_CASE(execute_only_ever_follows_a_successful_validate_with_the_same_arguments) {
  RuntimeFixture f({"order_probe"});
  // An odd value is refused by validate: execute (which aborts the process if it ever sees
  // arguments validate did not accept) must not run.
  const JobResult odd = f.run("OrderProbe", {{"value", 3}});
  BOOST_TEST(odd.status == JobStatus::rejected);
  BOOST_TEST(odd.stage == "validate");
  BOOST_TEST(f.types_of(odd.job_id) == std::vector<std::string>{"job.rejected"});
  // A schema violation never reaches validate nor execute.
  const JobResult bad = f.run("OrderProbe", {{"value", "two"}});
  BOOST_TEST(bad.stage == "schema");
  const JobResult even = f.run("OrderProbe", {{"value", 4}});
  BOOST_TEST(even.success);
  BOOST_TEST((f.types_of(even.job_id) == std::vector<std::string>{"job.started", "job.completed"}));
}

BOOST_AUTO_TEST_CASE(a_plugin_that_throws_fails_its_job_and_the_host_survives) {
  RuntimeFixture f({"throws"});
  const JobResult r = f.run("Throw", json::object{});
  BOOST_TEST(r.status == JobStatus::failed);
  BOOST_TEST(r.error->kind == "internal");
  BOOST_TEST(r.exit_code() == 1);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.failed"}));
  // The runtime still works afterwards.
  BOOST_TEST(f.run("Kill", {{"pid", 1}}).exit_code() == 3);
}

BOOST_AUTO_TEST_CASE(a_job_past_its_deadline_is_timed_out_with_exit_124) {
  RuntimeFixture f({"slow"});
  RunOptions o;
  o.timeout = std::chrono::milliseconds(150);
  const JobResult r = f.run("Slow", json::object{}, o);
  BOOST_TEST(r.status == JobStatus::timed_out);
  BOOST_TEST(r.exit_code() == 124);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.timed_out"}));
}

BOOST_AUTO_TEST_CASE(a_c_plugin_runs_and_its_output_reaches_the_caller) {
  RuntimeFixture f({"good_c"});
  const JobResult r = f.run("Echo", {{"text", "hi"}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("text").as_string() == "hi");
  RunOptions dry;
  dry.dry_run = true;
  const JobResult d = f.run("Echo", {{"text", "hi"}}, dry);
  BOOST_TEST(d.dry_run);
  const auto started = f.journal_of(d.job_id).at(0);
  BOOST_TEST(started.at("dry_run").as_bool());
}

BOOST_AUTO_TEST_CASE(eight_threads_times_one_hundred_jobs_leave_a_consistent_journal) {
  RuntimeFixture f;
  TempDir dir;
  const auto file = dir / "shared.txt";
  std::ofstream(file) << "shared";
  constexpr int kThreads = 8, kJobs = 100;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJobs; ++i) {
        // Mix accepted and rejected jobs.
        const JobResult r = (i % 10 == 0) ? f.run("FileRead", {{"path", 42}})
                                          : f.run("FileRead", {{"path", file.string()}});
        if ((i % 10 == 0) == r.success) {
          std::lock_guard lock(failures_mutex);
          failures.push_back(json::serialize(r.to_json()));
        }
        ids[t].push_back(r.job_id);
      }
    });
  for (auto &th : threads) th.join();
  for (const auto &failure : failures) BOOST_ERROR("unexpected result: " << failure.substr(0, 600));

  const auto events = f.journal();
  std::map<std::string, std::vector<std::string>> per_job;
  std::int64_t last_seq = 0;
  for (const auto &e : events) {
    const std::int64_t seq = e.at("seq").to_number<std::int64_t>();
    BOOST_TEST(seq > last_seq);
    last_seq = seq;
    per_job[std::string(e.at("job").as_string())].push_back(RuntimeFixture::type_of(e));
  }
  BOOST_TEST(per_job.size() == static_cast<std::size_t>(kThreads * kJobs));
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kJobs; ++i) {
      const auto &types = per_job[ids[t][i]];
      if (i % 10 == 0)
        BOOST_TEST(types == std::vector<std::string>{"job.rejected"});
      else
        BOOST_TEST((types == std::vector<std::string>{"job.started", "job.completed"}));
    }
  BOOST_TEST(f.rt->verify_journal().ok);
}
