// wal_reader — reading the journal back: read_journal, tail_journal and verify_journal
// (FORMAT.md, "Reading").
#define BOOST_TEST_MODULE wal_reader
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace runtimo::wal;
using runtimo::test::TempDir;
using runtimo::wal::test::lazy_options;
using runtimo::wal::test::sealed;
using runtimo::wal::test::seqs_of;
using runtimo::wal::test::write_raw;

namespace {

// 100 events over several segments; event i (seq i) belongs to job "j-<i % 3>".
void fill(const std::filesystem::path &dir, int n = 100) {
  auto writer = JournalWriter::open(lazy_options(dir, 2000));
  for (int i = 1; i <= n; ++i) {
    writer->append("job.note", "j-" + std::to_string(i % 3), {{"i", i}}, Durability::lazy);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(tail_returns_the_last_n_events_oldest_first_across_segments) {
  TempDir tmp;
  fill(tmp / "wal");
  BOOST_TEST_REQUIRE(list_segments(tmp / "wal").size() > 3u);

  auto last = tail_journal(tmp / "wal", 20);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t s = 81; s <= 100; ++s) expected.push_back(s);
  BOOST_TEST(seqs_of(last) == expected, boost::test_tools::per_element());
  // The last 20 span a segment boundary (segments hold about 18 lines here).
  BOOST_TEST(last.front().segment != last.back().segment);
  BOOST_TEST(last.back().event.at("i").as_int64() == 100);
  BOOST_TEST(last.back().line == 0u);  // tail does not count lines

  // Offsets point at the lines.
  std::vector<JournalRecord> all;
  read_journal(tmp / "wal", [&](const JournalRecord &r) {
    all.push_back(r);
    return true;
  });
  BOOST_TEST_REQUIRE(all.size() == 100u);
  for (std::size_t k = 0; k < last.size(); ++k) {
    BOOST_TEST(last[k].offset == all[80 + k].offset);
    BOOST_TEST(last[k].segment == all[80 + k].segment);
    BOOST_TEST(last[k].event == all[80 + k].event);
  }

  BOOST_TEST(tail_journal(tmp / "wal", 0).size() == 100u);
  BOOST_TEST(tail_journal(tmp / "wal", 1000).size() == 100u);
  BOOST_TEST(seqs_of(tail_journal(tmp / "wal", 1)) == (std::vector<std::uint64_t>{100}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(tail_filtered_by_job_returns_that_jobs_last_events_oldest_first) {
  TempDir tmp;
  fill(tmp / "wal");
  auto last = tail_journal(tmp / "wal", 5, "j-1");  // seqs ≡ 1 (mod 3)
  BOOST_TEST(seqs_of(last) == (std::vector<std::uint64_t>{88, 91, 94, 97, 100}),
             boost::test_tools::per_element());
  for (const auto &r : last) BOOST_TEST(r.event.at("job") == "j-1");
  BOOST_TEST(tail_journal(tmp / "wal", 0, "j-2").size() == 33u);
  BOOST_TEST(tail_journal(tmp / "wal", 10, "nobody").empty());
}

BOOST_AUTO_TEST_CASE(tail_skips_damaged_and_unterminated_lines) {
  TempDir tmp;
  auto segment = tmp / "wal" / "wal-00000001.jsonl";
  std::string bad = sealed(4);
  bad[bad.size() - 4] ^= 1;  // a crc digit
  write_raw(segment, sealed(1) + sealed(2) + sealed(3) + bad + "\n" + sealed(5) + "{\"seq\":7");
  BOOST_TEST(seqs_of(tail_journal(tmp / "wal", 3)) == (std::vector<std::uint64_t>{2, 3, 5}),
             boost::test_tools::per_element());
}

// An out-of-order line is history too: returned where it stands, and reported.
BOOST_AUTO_TEST_CASE(tail_returns_a_line_whose_seq_is_out_of_order_and_reports_it) {
  TempDir tmp;
  write_raw(tmp / "wal" / "wal-00000001.jsonl",
            sealed(1) + sealed(2) + sealed(9) + sealed(3) + sealed(4));
  std::vector<JournalProblem> problems;
  auto records =
      tail_journal(tmp / "wal", 0, {}, [&](const JournalProblem &p) { problems.push_back(p); });
  BOOST_TEST(seqs_of(records) == (std::vector<std::uint64_t>{1, 2, 9, 3, 4}),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].what.find("out of order") != std::string::npos, problems[0].what);
  BOOST_TEST(problems[0].offset == 2 * sealed(1).size());
}

BOOST_AUTO_TEST_CASE(a_missing_journal_reads_as_empty) {
  TempDir tmp;
  int records = 0;
  read_journal(tmp / "nothing", [&](const JournalRecord &) {
    ++records;
    return true;
  });
  BOOST_TEST(records == 0);
  BOOST_TEST(tail_journal(tmp / "nothing", 5).empty());
  BOOST_TEST(list_segments(tmp / "nothing").empty());
  auto report = verify_journal(tmp / "nothing");
  BOOST_TEST(report.ok());
  BOOST_TEST(report.segments == 0u);
}

BOOST_AUTO_TEST_CASE(read_journal_stops_when_asked) {
  TempDir tmp;
  fill(tmp / "wal");
  std::vector<std::uint64_t> seen;
  read_journal(tmp / "wal", [&](const JournalRecord &r) {
    seen.push_back(r.seq);
    return r.seq < 30;
  });
  BOOST_TEST(seen.size() == 30u);
  BOOST_TEST(seen.back() == 30u);
}

BOOST_AUTO_TEST_CASE(reader_skips_duplicates_and_returns_out_of_order_seqs_across_segments) {
  TempDir tmp;
  write_raw(tmp / "wal" / "wal-00000001.jsonl", sealed(1) + sealed(2) + sealed(2) + sealed(5));
  write_raw(tmp / "wal" / "wal-00000002.jsonl", sealed(4) + sealed(6) + "\n" + sealed(7));
  std::vector<std::uint64_t> seen;
  std::vector<JournalProblem> problems;
  read_journal(
      tmp / "wal",
      [&](const JournalRecord &r) {
        seen.push_back(r.seq);
        return true;
      },
      [&](const JournalProblem &p) { problems.push_back(p); });
  BOOST_TEST(seen == (std::vector<std::uint64_t>{1, 2, 5, 4, 6, 7}),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(problems.size() == 3u);
  BOOST_TEST(problems[0].segment.filename() == "wal-00000001.jsonl");
  BOOST_TEST(problems[0].line == 3u);
  BOOST_TEST(problems[0].what.find("duplicates") != std::string::npos);
  BOOST_TEST(problems[1].segment.filename() == "wal-00000002.jsonl");
  BOOST_TEST(problems[1].line == 1u);
  BOOST_TEST(problems[1].offset == 0u);
  BOOST_TEST(problems[1].what.find("out of order") != std::string::npos);
  BOOST_TEST(problems[2].line == 3u);
  BOOST_TEST(problems[2].what == "empty line");
  BOOST_TEST(problems[2].offset == 2 * sealed(4).size());
}

BOOST_AUTO_TEST_CASE(reader_reports_an_unterminated_last_line) {
  TempDir tmp;
  write_raw(tmp / "wal" / "wal-00000001.jsonl", sealed(1) + "{\"seq\":2,\"t");
  std::vector<JournalProblem> problems;
  int records = 0;
  read_journal(
      tmp / "wal",
      [&](const JournalRecord &) {
        ++records;
        return true;
      },
      [&](const JournalProblem &p) { problems.push_back(p); });
  BOOST_TEST(records == 1);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].line == 2u);
  BOOST_TEST(problems[0].offset == sealed(1).size());
  BOOST_TEST(problems[0].what.find("no terminating newline") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lines_longer_than_a_read_block_read_back_whole) {
  TempDir tmp;
  const std::string big(3u << 20,
                        'b');  // 3 MiB: longer than the 1 MiB forward and 64 KiB backward reads
  {
    auto options = lazy_options(tmp / "wal");
    options.max_line_bytes = 4u << 20;  // readers handle lines past the default bound too
    auto writer = JournalWriter::open(options);
    writer->append("job.note", "j", {{"i", 1}}, Durability::lazy);
    writer->append("job.completed", "j", {{"output", big}}, Durability::lazy);
    writer->append("job.note", "j", {{"i", 3}}, Durability::lazy);
  }
  std::vector<JournalRecord> all;
  read_journal(tmp / "wal", [&](const JournalRecord &r) {
    all.push_back(r);
    return true;
  });
  BOOST_TEST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[1].event.at("output").as_string().size() == big.size());
  auto last = tail_journal(tmp / "wal", 2);
  BOOST_TEST_REQUIRE(last.size() == 2u);
  BOOST_TEST(last[0].event.at("output").as_string().size() == big.size());
  BOOST_TEST(last[0].offset == all[1].offset);
  BOOST_TEST(verify_journal(tmp / "wal").ok());
}

BOOST_AUTO_TEST_CASE(verify_report_as_json_lists_every_problem) {
  TempDir tmp;
  std::string bad = sealed(2);
  bad[5] = 'X';
  write_raw(tmp / "wal" / "wal-00000001.jsonl", sealed(1) + bad + sealed(3));
  auto report = verify_journal(tmp / "wal");
  auto json = report.to_json();
  BOOST_TEST(json.at("ok") == false);
  BOOST_TEST(json.at("segments") == 1);
  BOOST_TEST(json.at("lines") == 3);
  BOOST_TEST(json.at("first_seq") == 1);
  BOOST_TEST(json.at("last_seq") == 3);
  const auto &problems = json.at("problems").as_array();
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  const auto &p = problems[0].as_object();
  BOOST_TEST(std::string(p.at("segment").as_string()) ==
             (tmp / "wal" / "wal-00000001.jsonl").string());
  BOOST_TEST(p.at("line") == 2);
  BOOST_TEST(p.at("offset") == sealed(1).size());
  BOOST_TEST(p.at("what").as_string().starts_with("crc mismatch"));

  std::vector<std::string> keys;
  for (const auto &member : json) keys.emplace_back(member.key());
  BOOST_TEST(keys == (std::vector<std::string>{"ok", "segments", "lines", "first_seq", "last_seq",
                                               "problems"}),
             boost::test_tools::per_element());

  fill(tmp / "good");
  auto good = verify_journal(tmp / "good").to_json();
  BOOST_TEST(good.at("ok") == true);
  BOOST_TEST(good.at("lines") == 100);
  BOOST_TEST(good.at("problems").as_array().empty());
}
