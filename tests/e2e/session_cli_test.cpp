// Sessions as a user runs them: `session create`, jobs run with --session, `session show` and
// `list` derived from the journal, `session undo` taking back every job of it newest first to
// the exact tree — and stopping at the first conflict with a report —, `session close`, and
// runs in parallel in one session losing nothing.
#define BOOST_TEST_MODULE session_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <thread>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string create_session(const Cli &cli) {
  const Captured c = cli({"session", "create", "--name", "deploy", "--json"});
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.err);
  return std::string(json::parse(c.out).at("session").as_string());
}

int run_in(const Cli &cli, const std::string &session, const std::string &capability, const json::object &args) {
  return cli({"run", capability, json::serialize(args), "--session", session}).exit_code;
}

json::object show(const Cli &cli, const std::string &session) {
  const Captured c = cli({"session", "show", session, "--json"});
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.err);
  return json::parse(c.out).as_object();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_session_of_mixed_jobs_is_undone_to_the_exact_tree) {
  Cli cli;
  const fs::path a = cli.dir / "a.txt", b = cli.dir / "b.txt", c = cli.dir / "new" / "c.txt";
  std::ofstream(a) << "a0";
  std::ofstream(b) << "b0";
  const std::string s = create_session(cli);
  BOOST_TEST(run_in(cli, s, "FileWrite", {{"path", a.string()}, {"content", "a1"}}) == 0);
  BOOST_TEST(run_in(cli, s, "FileWrite", {{"path", c.string()}, {"content", "c1"}, {"create_parents", true}}) == 0);
  BOOST_TEST(run_in(cli, s, "FileDelete", {{"path", b.string()}}) == 0);
  BOOST_TEST(run_in(cli, s, "FileWrite", {{"path", a.string()}, {"content", "a2"}}) == 0);
  BOOST_TEST(run_in(cli, s, "FileRead", {{"path", a.string()}}) == 0);  // changes nothing: skipped by undo
  const auto shown = show(cli, s);
  BOOST_TEST(shown.at("jobs").as_array().size() == 5u);
  BOOST_TEST(shown.at("open") == true);
  BOOST_TEST(shown.at("name") == "deploy");

  const Captured undo = cli({"session", "undo", s});
  BOOST_TEST(undo.exit_code == 0, undo.err);
  BOOST_TEST(read_file(a) == "a0");
  BOOST_TEST(read_file(b) == "b0");
  BOOST_TEST(!fs::exists(cli.dir / "new"));
  BOOST_TEST(journal_violations(cli.home / "wal").empty());

  BOOST_TEST(cli({"session", "close", s}).exit_code == 0);
  BOOST_TEST(show(cli, s).at("open") == false);
  BOOST_TEST(run_in(cli, s, "FileRead", {{"path", a.string()}}) == 2);  // closed
  BOOST_TEST(run_in(cli, "0123456789abcdef0123456789abcdef", "FileRead", {{"path", a.string()}}) == 2);  // unknown
  BOOST_TEST(cli({"session", "close", s}).exit_code == 2);
  const Captured list = cli({"session", "list", "--json"});
  BOOST_TEST(json::parse(list.out).at("sessions").at(0).at("session") == json::value(s));
}

BOOST_AUTO_TEST_CASE(a_session_undo_stops_at_the_first_conflict_and_says_so) {
  Cli cli;
  const fs::path older = cli.dir / "older.txt", newer = cli.dir / "newer.txt";
  std::ofstream(older) << "o0";
  std::ofstream(newer) << "n0";
  const std::string s = create_session(cli);
  BOOST_TEST(run_in(cli, s, "FileWrite", {{"path", older.string()}, {"content", "o1"}}) == 0);
  BOOST_TEST(run_in(cli, s, "FileWrite", {{"path", newer.string()}, {"content", "n1"}}) == 0);
  std::ofstream(older) << "changed by someone else";
  const Captured undo = cli({"session", "undo", s});
  BOOST_TEST(undo.exit_code == 1);
  BOOST_TEST(undo.err.find("stopped at job") != std::string::npos, undo.err);
  BOOST_TEST(read_file(newer) == "n0");  // the newest job was undone
  BOOST_TEST(read_file(older) == "changed by someone else");  // the conflict was left alone
}

BOOST_AUTO_TEST_CASE(jobs_run_in_parallel_in_one_session_are_all_in_it) {
  Cli cli;
  const std::string s = create_session(cli);
  std::vector<std::thread> runs;
  std::vector<int> codes(8, -1);
  for (int i = 0; i < 8; ++i)
    runs.emplace_back([&, i] {
      codes[i] = run_in(cli, s, "FileWrite", {{"path", (cli.dir / ("f" + std::to_string(i))).string()}, {"content", "x"}});
    });
  for (auto &t : runs) t.join();
  for (int code : codes) BOOST_TEST(code == 0);
  BOOST_TEST(show(cli, s).at("jobs").as_array().size() == 8u);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}
