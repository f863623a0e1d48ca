// wal_recovery — the recovery rules of FORMAT.md: a torn tail (bytes after the last '\n') of
// the newest segment is kept in corrupt/ and cut; a complete line is never cut, damaged or
// not — damage anywhere is reported, kept, and never skipped silently.
#define BOOST_TEST_MODULE wal_recovery
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>

using namespace runtimo::wal;
using runtimo::test::TempDir;
using runtimo::wal::test::append_raw;
using runtimo::wal::test::lazy_options;
using runtimo::wal::test::read_seqs;
using runtimo::wal::test::write_raw;

namespace {

std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A journal of `n` lazy events (seq 1..n) in <tmp>/wal; returns the segment path.
std::filesystem::path journal_with(const TempDir &tmp, int n) {
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  for (int i = 1; i <= n; ++i) {
    writer->append("job.note", "j-" + std::to_string(i),
                   {{"i", i}, {"text", "event number " + std::to_string(i)}}, Durability::lazy);
  }
  return tmp / "wal" / "wal-00000001.jsonl";
}

// Start offsets of the lines of a file.
std::vector<std::size_t> line_offsets(const std::string &text) {
  std::vector<std::size_t> offsets{0};
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') offsets.push_back(i + 1);
  }
  return offsets;
}

// Checks that opening cut exactly `tail` off `segment` (which held `good` + `tail`) and kept it.
void expect_cut(const JournalWriter &writer, const std::filesystem::path &segment,
                const std::string &good, const std::string &tail) {
  const RecoveryReport &report = writer.recovery();
  BOOST_TEST(report.torn_tail_cut);
  BOOST_TEST(report.cut_bytes == tail.size());
  BOOST_TEST(!report.reason.empty());
  BOOST_TEST(report.kept_in.parent_path() == segment.parent_path() / "corrupt");
  std::regex name(R"(wal-00000001\.jsonl\.(\d+)\.(\d+)\.torn)");
  std::smatch match;
  std::string kept_name = report.kept_in.filename().string();
  BOOST_TEST_REQUIRE(std::regex_match(kept_name, match, name), kept_name);
  BOOST_TEST(match[1].str() == std::to_string(good.size()));  // the offset of the cut
  BOOST_TEST(read_file(report.kept_in) == tail);
  BOOST_TEST(read_file(segment) == good);
}

}  // namespace

BOOST_AUTO_TEST_CASE(torn_last_line_without_newline_is_kept_aside_and_cut) {
  TempDir tmp;
  auto segment = journal_with(tmp, 3);
  const std::string good = read_file(segment);
  const std::string torn = R"({"seq":4,"ts":"2026-11-28T04:06:26.123456Z","type":"job.st)";
  append_raw(segment, torn);

  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  expect_cut(*writer, segment, good, torn);
  BOOST_TEST(writer->recovery().reason.find("no terminating newline") != std::string::npos);

  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 4u);
  auto report = verify_journal(tmp / "wal");
  BOOST_TEST(report.ok());
  BOOST_TEST(report.lines == 4u);
  BOOST_TEST(report.last_seq == 4u);
}

BOOST_AUTO_TEST_CASE(terminated_last_line_with_a_bad_crc_is_damage_kept_and_never_cut) {
  TempDir tmp;
  auto segment = journal_with(tmp, 3);
  std::string garbage =
      seal_line(boost::json::object{{"seq", 4}, {"ts", "x"}, {"type", "t"}, {"job", "j"}});
  garbage[garbage.size() - 3] = garbage[garbage.size() - 3] == '0' ? '1' : '0';  // wrong crc digit
  garbage += '\n';
  append_raw(segment, garbage);
  const std::string before = read_file(segment);

  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(!writer->recovery().torn_tail_cut);
  BOOST_TEST(read_file(segment) == before);
  BOOST_TEST(std::filesystem::is_empty(tmp / "wal" / "corrupt"));
  // Its seq still counts: the next event is numbered above it.
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 5u);
  auto report = verify_journal(tmp / "wal");
  BOOST_TEST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST(report.problems[0].line == 4u);
  BOOST_TEST(report.problems[0].what.find("crc mismatch") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_crlf_converted_journal_opened_three_times_is_never_cut) {
  TempDir tmp;
  auto segment = journal_with(tmp, 5);
  std::string text = read_file(segment), crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  write_raw(segment, crlf);
  for (int round = 0; round < 3; ++round) {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
    BOOST_TEST(!writer->recovery().torn_tail_cut);
    BOOST_TEST(read_file(segment) == crlf);  // byte-identical: every line is damage, none cut
  }
  BOOST_TEST(std::filesystem::is_empty(tmp / "wal" / "corrupt"));
  // Every line is damaged, yet their seqs count: seq does not restart at 1.
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 6u);
  auto report = verify_journal(tmp / "wal");
  BOOST_TEST(report.problems.size() == 5u);
  BOOST_TEST(report.lines == 6u);
  BOOST_TEST(report.last_seq == 6u);
}

BOOST_AUTO_TEST_CASE(zeros_left_by_a_crash_at_the_end_are_cut) {
  TempDir tmp;
  auto segment = journal_with(tmp, 2);
  const std::string good = read_file(segment);
  const std::string zeros(100000, '\0');  // longer than one backward read chunk
  append_raw(segment, zeros);

  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  expect_cut(*writer, segment, good, zeros);
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 3u);
  BOOST_TEST(verify_journal(tmp / "wal").ok());
}

BOOST_AUTO_TEST_CASE(a_corrupt_middle_line_is_reported_never_cut_or_silently_skipped) {
  TempDir tmp;
  auto segment = journal_with(tmp, 5);
  std::string text = read_file(segment);
  auto offsets = line_offsets(text);
  BOOST_TEST_REQUIRE(offsets.size() == 5u);
  std::size_t flip = text.find("event number 3");
  BOOST_TEST_REQUIRE(flip != std::string::npos);
  text[flip] = 'E';
  write_raw(segment, text);

  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(!writer->recovery().torn_tail_cut);
  BOOST_TEST(read_file(segment) == text);  // untouched
  BOOST_TEST(std::filesystem::is_empty(tmp / "wal" / "corrupt"));

  auto report = verify_journal(tmp / "wal");
  BOOST_TEST(!report.ok());
  BOOST_TEST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST(report.problems[0].segment == segment);
  BOOST_TEST(report.problems[0].line == 3u);
  BOOST_TEST(report.problems[0].offset == offsets[2]);
  BOOST_TEST(report.problems[0].what.find("crc mismatch") != std::string::npos);
  BOOST_TEST(report.lines == 5u);
  BOOST_TEST(report.first_seq == 1u);
  BOOST_TEST(report.last_seq == 5u);

  std::vector<JournalProblem> problems;
  BOOST_TEST(read_seqs(tmp / "wal", problems) == (std::vector<std::uint64_t>{1, 2, 4, 5}),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].line == 3u);
  BOOST_TEST(problems[0].offset == offsets[2]);

  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 6u);
  BOOST_TEST(verify_journal(tmp / "wal").problems.size() == 1u);
}

BOOST_AUTO_TEST_CASE(only_the_torn_tail_is_cut_and_seq_continues_above_damaged_lines) {
  TempDir tmp;
  auto segment = journal_with(tmp, 4);
  std::string text = read_file(segment);
  auto offsets = line_offsets(text);
  text[text.find("event number 4")] = 'E';  // line 4, complete but damaged
  write_raw(segment, text);
  const std::string torn = "{\"seq\":5,\"ts";
  append_raw(segment, torn);

  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  expect_cut(*writer, segment, text, torn);                                 // line 4 stays
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 5u);  // above damaged 4

  auto report = verify_journal(tmp / "wal");
  BOOST_TEST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST(report.problems[0].line == 4u);
  BOOST_TEST(report.problems[0].offset == offsets[3]);
}

BOOST_AUTO_TEST_CASE(a_torn_tail_left_by_another_writer_is_cut_before_the_next_append) {
  TempDir tmp;
  auto segment = journal_with(tmp, 2);
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 3u);
  const std::string good = read_file(segment);
  // Another process died in the middle of its write().
  const std::string torn = R"({"seq":4,"ts":"2026-11-28T04:06:26.1)";
  append_raw(segment, torn);

  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 4u);
  std::string now = read_file(segment);
  BOOST_TEST(now.substr(0, good.size()) == good);
  BOOST_TEST(now.find(torn) == std::string::npos);
  std::vector<std::filesystem::path> kept;
  for (const auto &entry : std::filesystem::directory_iterator(tmp / "wal" / "corrupt")) {
    kept.push_back(entry.path());
  }
  BOOST_TEST_REQUIRE(kept.size() == 1u);
  BOOST_TEST(read_file(kept[0]) == torn);
  BOOST_TEST(verify_journal(tmp / "wal").ok());
}

BOOST_AUTO_TEST_CASE(an_empty_journal_or_segment_needs_no_recovery) {
  TempDir tmp;
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
    BOOST_TEST(!writer->recovery().torn_tail_cut);
  }
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(!writer->recovery().torn_tail_cut);
  BOOST_TEST(writer->recovery().cut_bytes == 0u);
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 1u);
}
