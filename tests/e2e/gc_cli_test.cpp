// `runtimo gc` as a user runs it: a dry run removes nothing and says what it would; then the
// backups of old enough jobs are removed — never those of a job in an open session, nor of a
// job younger than retention.backups_min_age_hours — and journaled (gc.collected); undo of a
// collected job says its backups were collected; --max-bytes removes the oldest first.
#define BOOST_TEST_MODULE gc_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string write_job(const Cli &cli, const fs::path &file, const std::vector<std::string> &extra = {}) {
  std::ofstream(file) << "before";
  std::vector<std::string> a{"run", "FileWrite", json::serialize(json::object{{"path", file.string()}, {"content", "after"}}), "--json"};
  a.insert(a.end(), extra.begin(), extra.end());
  const Captured c = cli(a);
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.err);
  return std::string(json::parse(c.out).at("job_id").as_string());
}

json::object gc(const Cli &cli, std::vector<std::string> args) {
  args.insert(args.begin(), "gc");
  args.push_back("--json");
  const Captured c = cli(args);
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.err);
  return json::parse(c.out).as_object();
}

}  // namespace

BOOST_AUTO_TEST_CASE(gc_removes_old_backups_but_not_those_of_an_open_session) {
  Cli cli;
  std::ofstream(cli.quiet_config) << R"({"guard":{"enabled":false},"retention":{"backups_min_age_hours":0}})";
  const std::string lone = write_job(cli, cli.dir / "lone.txt");
  const std::string session(json::parse(cli({"session", "create", "--json"}).out).at("session").as_string());
  const std::string in_session = write_job(cli, cli.dir / "kept.txt", {"--session", session});

  const auto plan = gc(cli, {"--older-than", "0", "--dry-run"});
  BOOST_TEST(plan.at("removed").as_array().size() == 1u);
  BOOST_TEST(plan.at("removed").at(0).at("job") == json::value(lone));
  BOOST_TEST(plan.at("protected").at(0).at("job") == json::value(in_session));
  BOOST_TEST(fs::exists(cli.home / "backups" / lone));  // a dry run removes nothing

  const auto done = gc(cli, {"--older-than", "0"});
  BOOST_TEST(done.at("removed").as_array().size() == 1u);
  BOOST_TEST(!fs::exists(cli.home / "backups" / lone));
  BOOST_TEST(fs::exists(cli.home / "backups" / in_session));
  const Captured undo = cli({"undo", lone});
  BOOST_TEST(undo.exit_code == 1);
  BOOST_TEST(undo.err.find("collected") != std::string::npos, undo.err);
  BOOST_TEST(cli({"undo", in_session}).exit_code == 0);
  BOOST_TEST(read_file(cli.dir / "kept.txt") == "before");

  bool journaled = false;
  for (const auto &e : cli.journal())
    if (e.at("type") == "gc.collected") journaled = e.at("jobs").at(0) == json::value(lone);
  BOOST_TEST(journaled);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(young_backups_are_protected_and_max_bytes_removes_the_oldest) {
  Cli cli;  // default retention: backups younger than 24 h are never removed
  const std::string job = write_job(cli, cli.dir / "young.txt");
  const auto kept = gc(cli, {"--older-than", "0", "--max-bytes", "0"});
  BOOST_TEST(kept.at("removed").as_array().empty());
  BOOST_TEST(kept.at("protected").at(0).at("job") == json::value(job));

  std::ofstream(cli.quiet_config) << R"({"guard":{"enabled":false},"retention":{"backups_min_age_hours":0}})";
  const auto all = gc(cli, {"--max-bytes", "0"});
  BOOST_TEST(all.at("removed").as_array().size() == 1u);
  BOOST_TEST(cli({"gc", "--max-bytes", "lots"}).exit_code == 2);
  BOOST_TEST(cli({"gc", "--older-than", "3w"}).exit_code == 2);
}
