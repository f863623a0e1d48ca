// What a plugin hands over cannot make a job's record unwritable, unbounded or out of order
// (issue 7): text that is not UTF-8 is repaired, huge outputs and notes are cut to the line
// limit with their size and digest, set_output/wal_event are refused in validate, and a handle
// used after its call returned is refused without effect. Names the journal cannot carry are
// refused before anything runs.
#define BOOST_TEST_MODULE hostile_outputs
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"
#include "util/digest.hpp"
#include "util/utf8.hpp"
#include "wal/journal.hpp"

#include <runtimo/abi.h>

#include <fstream>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

// The longest line of every journal segment, and that every line passes the check.
std::size_t longest_line(RuntimeFixture &f) {
  std::size_t longest = 0;
  for (const auto &segment : wal::list_segments(f.rt->journal_dir())) {
    std::ifstream in(segment);
    for (std::string line; std::getline(in, line);) {
      BOOST_TEST(wal::check_line(line).empty());
      longest = std::max(longest, line.size() + 1);
    }
  }
  return longest;
}

const json::object *cut_at(const json::object &event, const std::string &path) {
  if (const auto *t = event.if_contains("truncated"))
    for (const auto &entry : t->as_array())
      if (entry.as_object().contains("path") && entry.at("path").as_string() == path)
        return &entry.as_object();
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(text_that_is_not_utf8_is_repaired_and_the_job_still_ends) {
  RuntimeFixture f({"hostile_outputs"});
  const JobResult r = f.run("BadText", json::object{});
  BOOST_TEST(r.status == JobStatus::failed);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(util::is_valid_utf8(r.error->message));
  BOOST_TEST(util::is_valid_utf8(r.error->hint));
  BOOST_TEST(r.error->message.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
  BOOST_TEST(r.error->message.find("red") != std::string::npos);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.failed"}));
  BOOST_TEST(f.rt->verify_journal().ok);
  // The JSON result serialises to valid UTF-8.
  BOOST_TEST(util::is_valid_utf8(json::serialize(r.to_json())));
}

BOOST_AUTO_TEST_CASE(a_huge_output_reaches_the_caller_whole_and_the_journal_bounded) {
  RuntimeFixture f({"hostile_outputs"});
  const JobResult r = f.run("HugeOutput", {{"items", 2000000}});
  BOOST_REQUIRE(r.success);
  BOOST_TEST(r.data.at("numbers").as_array().size() == 2000000u);
  BOOST_TEST(r.message.size() == std::size_t{1} << 20);
  BOOST_TEST(longest_line(f) <= 65536u);
  const auto events = f.journal_of(r.job_id);
  BOOST_REQUIRE(events.size() == 2u);
  const json::object &done = events[1];
  const json::object *numbers = cut_at(done, "/data/numbers");
  BOOST_REQUIRE(numbers != nullptr);
  const std::string full = json::serialize(r.data.at("numbers"));
  BOOST_TEST(numbers->at("bytes").to_number<std::uint64_t>() == full.size());
  BOOST_TEST(numbers->at("sha256").as_string() == util::sha256_hex(full));
  BOOST_TEST(numbers->at("of").to_number<std::uint64_t>() == 2000000u);
  const auto kept = numbers->at("kept").to_number<std::size_t>();
  BOOST_TEST(kept > 0u);
  BOOST_TEST(done.at("data").at("numbers").as_array().size() == kept);
  const json::object *message = cut_at(done, "/message");
  BOOST_REQUIRE(message != nullptr);
  BOOST_TEST(message->at("bytes").to_number<std::uint64_t>() == std::uint64_t{1} << 20);
}

BOOST_AUTO_TEST_CASE(a_huge_note_is_journaled_bounded) {
  RuntimeFixture f({"hostile_outputs"});
  const JobResult r = f.run("HugeNote", json::object{});
  BOOST_REQUIRE(r.success);
  BOOST_TEST((f.types_of(r.job_id) ==
              std::vector<std::string>{"job.started", "job.note", "job.completed"}));
  BOOST_TEST(longest_line(f) <= 65536u);
  const json::object note = f.journal_of(r.job_id)[1];
  BOOST_TEST(cut_at(note, "/data/text") != nullptr);
}

BOOST_AUTO_TEST_CASE(output_and_notes_are_refused_during_validate) {
  RuntimeFixture f({"hostile_outputs"});
  const JobResult r = f.run("OutputInValidate", json::object{});
  BOOST_REQUIRE(r.success);
  BOOST_TEST(r.data.at("set_output").to_number<int>() == RT_INVALID_ARGS);
  BOOST_TEST(r.data.at("wal_event").to_number<int>() == RT_INVALID_ARGS);
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.completed"}));
}

BOOST_AUTO_TEST_CASE(a_handle_used_after_its_call_returned_is_refused_and_changes_nothing) {
  RuntimeFixture f({"hostile_outputs"});
  const JobResult r = f.run("LateCalls", json::object{});
  BOOST_REQUIRE(r.success);
  const JobResult report = f.run("LateCallsReport", json::object{});
  BOOST_REQUIRE(report.success);
  BOOST_TEST(report.data.at("wal_event").to_number<int>() == RT_INVALID_ARGS);
  BOOST_TEST(report.data.at("set_output").to_number<int>() == RT_INVALID_ARGS);
  BOOST_TEST(report.data.at("cancelled").to_number<int>() == 1);
  // Nothing after the terminal event, and the result is what execute reported.
  BOOST_TEST((f.types_of(r.job_id) == std::vector<std::string>{"job.started", "job.completed"}));
  BOOST_TEST(f.journal_of(r.job_id)[1].at("data").at("left").as_string() == "a thread");
}

BOOST_AUTO_TEST_CASE(names_the_journal_cannot_carry_are_refused_before_anything_runs) {
  RuntimeFixture f;
  const JobResult bad_name = f.rt->run("File\xffRead", "{}");
  BOOST_TEST(bad_name.status == JobStatus::rejected);
  BOOST_TEST(bad_name.stage == "request");
  BOOST_TEST(bad_name.exit_code() == 2);
  BOOST_TEST(util::is_valid_utf8(bad_name.capability));
  RunOptions o;
  o.session_id = "s\xff";
  const JobResult bad_session = f.rt->run("FileRead", R"({"path":"/proc/self/stat"})", o);
  BOOST_TEST(bad_session.stage == "request");
  BOOST_TEST(bad_session.exit_code() == 2);
  o.session_id = "nightly-2026.12:01";
  BOOST_TEST(f.rt->run("FileRead", R"({"path":"/proc/self/stat"})", o).success);
  BOOST_TEST(f.rt->verify_journal().ok);
}

BOOST_AUTO_TEST_CASE(job_started_names_its_runner) {
  RuntimeFixture f;
  const JobResult r = f.run("FileRead", {{"path", "/proc/self/stat"}});
  BOOST_REQUIRE(r.success);
  const json::object started = f.journal_of(r.job_id).front();
  const auto &runner = started.at("runner").as_object();
  BOOST_TEST(runner.at("id").as_string().size() == 32u);
  BOOST_TEST(runner.at("pid").to_number<pid_t>() == ::getpid());
  BOOST_TEST(std::filesystem::exists(f.rt->home() / "run" /
                                     ("runner-" + std::string(runner.at("id").as_string()))));
}
