// `runtimo gc` as a user runs it: a dry run removes nothing and says what it would; then the
// backups of old enough jobs are removed — never those of a job in an open session, nor of a
// job younger than retention.backups_min_age_hours — and journaled (gc.collected); undo of a
// collected job says its backups were collected; --max-bytes removes the oldest first; old
// journal segments are removed up to the first one still needed (stored backups, an open
// session), journaled first, and the journal stays whole: it verifies, later jobs keep
// counting seqs upwards, and jobs that were kept are still found.
#define BOOST_TEST_MODULE gc_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <boost/json.hpp>

#include <algorithm>
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
    if (e.at("type") == "gc.collected" && e.contains("jobs")) journaled = e.at("jobs").at(0) == json::value(lone);
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

namespace {

std::vector<std::string> segment_names(const fs::path &wal) {
  std::vector<std::string> out;
  for (const auto &e : fs::directory_iterator(wal))
    if (e.path().filename().string().rfind("wal-", 0) == 0) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::uint64_t highest_seq(const Cli &cli) {
  std::uint64_t seq = 0;
  for (const auto &e : cli.journal()) seq = std::max(seq, e.at("seq").to_number<std::uint64_t>());
  return seq;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gc_removes_old_journal_segments_up_to_the_first_still_needed) {
  Cli cli;  // 4 KiB segments: every few events start a new one
  std::ofstream(cli.quiet_config)
      << R"({"guard":{"enabled":false},"journal":{"segment_bytes":4096},"retention":{"backups_min_age_hours":0}})";
  std::vector<std::string> old_jobs;
  for (int i = 0; i < 4; ++i) old_jobs.push_back(write_job(cli, cli.dir / ("old" + std::to_string(i) + ".txt")));
  const std::string session(json::parse(cli({"session", "create", "--json"}).out).at("session").as_string());
  const std::string in_session = write_job(cli, cli.dir / "kept.txt", {"--session", session});
  std::vector<std::string> later;
  for (int i = 0; i < 4; ++i) later.push_back(write_job(cli, cli.dir / ("later" + std::to_string(i) + ".txt")));
  const auto before = segment_names(cli.home / "wal");
  BOOST_REQUIRE_GT(before.size(), 4u);

  // Backups still stored keep their jobs' segments: nothing goes.
  const auto held = gc(cli, {"--older-than", "1000d", "--journal-older-than", "0"});
  BOOST_TEST(held.at("journal").at("removed").as_array().empty());
  BOOST_TEST(std::string(held.at("journal").at("stopped_at").at("why").as_string()).find("backups") != std::string::npos);

  // A dry run says what would go and removes nothing.
  const auto plan = gc(cli, {"--older-than", "0", "--journal-older-than", "0", "--dry-run"});
  BOOST_TEST(segment_names(cli.home / "wal") == before);

  const std::uint64_t seq_before = highest_seq(cli);
  const auto done = gc(cli, {"--older-than", "0", "--journal-older-than", "0"});
  const auto &journal = done.at("journal").as_object();
  BOOST_TEST(!journal.at("removed").as_array().empty());
  BOOST_TEST(journal.at("removed") == plan.at("journal").at("removed"));
  BOOST_TEST(std::string(journal.at("stopped_at").at("why").as_string()).find("session " + session) != std::string::npos);
  const auto after = segment_names(cli.home / "wal");
  for (const auto &r : journal.at("removed").as_array())
    BOOST_TEST((std::find(after.begin(), after.end(), std::string(r.at("segment").as_string())) == after.end()));
  BOOST_TEST(after.front() > before.front());

  // Journaled before removal; the journal verifies; seqs go on upwards; kept jobs are found.
  json::array removed_names;
  for (const auto &r : journal.at("removed").as_array()) removed_names.push_back(r.at("segment"));
  bool journaled = false;
  for (const auto &e : cli.journal())
    if (e.at("type") == "gc.collected" && e.contains("segments")) journaled = e.at("segments") == json::value(removed_names);
  BOOST_TEST(journaled);
  BOOST_TEST(cli({"wal", "verify"}).exit_code == 0);
  const std::string next = write_job(cli, cli.dir / "next.txt");
  BOOST_TEST(highest_seq(cli) > seq_before);
  BOOST_TEST(cli({"status", in_session}).exit_code == 0);
  BOOST_TEST(cli({"status", next}).exit_code == 0);
  BOOST_TEST(cli({"status", old_jobs.front()}).exit_code != 0);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}
