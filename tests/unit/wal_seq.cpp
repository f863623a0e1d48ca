// wal_seq — seq is never reused (FORMAT.md, "Seq"): it continues above the highest seq present
// in the journal, whatever order its lines are in, damaged lines included; it is never
// wrapped; and readers return every distinct event of a journal whose lines were moved or
// copied (FORMAT.md, "Reading").
#define BOOST_TEST_MODULE wal_seq
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"
#include "wal/seq_order.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <set>

using namespace runtimo::wal;
using runtimo::test::read_file;
using runtimo::test::TempDir;
using runtimo::wal::test::lazy_options;
using runtimo::wal::test::read_seqs;
using runtimo::wal::test::sealed;
using runtimo::wal::test::seqs_of;
using runtimo::wal::test::write_raw;

// What a journal fuzzer does: swap two lines, duplicate the last one, then open and append.
BOOST_AUTO_TEST_CASE(swapped_lines_and_a_duplicated_last_line_neither_reuse_seqs_nor_hide_history) {
  TempDir tmp;
  auto segment = tmp / "wal" / "wal-00000001.jsonl";
  write_raw(segment, sealed(1) + sealed(2) + sealed(5) + sealed(4) + sealed(3) + sealed(3));

  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(!writer->recovery().torn_tail_cut);
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 6u);  // not 4
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 7u);

  std::vector<JournalProblem> problems;
  auto forward = read_seqs(tmp / "wal", problems);
  BOOST_TEST(forward == (std::vector<std::uint64_t>{1, 2, 5, 4, 3, 6, 7}),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(problems.size() == 3u);  // 4 and 3 out of order, the second 3 a duplicate
  BOOST_TEST(problems[0].line == 4u);
  BOOST_TEST(problems[0].what.find("out of order") != std::string::npos);
  BOOST_TEST(problems[2].line == 6u);
  BOOST_TEST(problems[2].what.find("duplicates") != std::string::npos);

  std::vector<JournalProblem> tail_problems;
  auto backward = tail_journal(tmp / "wal", 0, {},
                               [&](const JournalProblem &p) { tail_problems.push_back(p); });
  std::set<std::uint64_t> distinct(forward.begin(), forward.end());
  auto tail_seqs = seqs_of(backward);
  BOOST_TEST(tail_seqs.size() == distinct.size());
  BOOST_TEST(std::set<std::uint64_t>(tail_seqs.begin(), tail_seqs.end()) == distinct);
  BOOST_TEST(!tail_problems.empty());
  // The last events are still the last ones: a duplicate at the end hides nothing.
  BOOST_TEST(seqs_of(tail_journal(tmp / "wal", 2)) == (std::vector<std::uint64_t>{6, 7}),
             boost::test_tools::per_element());

  auto report = verify_journal(tmp / "wal");
  BOOST_TEST(report.problems.size() == 3u);
  BOOST_TEST(report.last_seq == 7u);
}

BOOST_AUTO_TEST_CASE(seq_continues_above_the_highest_seq_in_any_segment_not_the_last_line) {
  TempDir tmp;
  write_raw(tmp / "wal" / "wal-00000001.jsonl", sealed(1) + sealed(90));
  write_raw(tmp / "wal" / "wal-00000002.jsonl", sealed(2) + sealed(3));
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 91u);
  BOOST_TEST(writer->last_seq() == 91u);
}

BOOST_AUTO_TEST_CASE(a_seq_at_2_pow_64_minus_1_is_refused_never_wrapped) {
  TempDir tmp;
  auto segment = tmp / "wal" / "wal-00000001.jsonl";
  write_raw(segment, sealed(1) + sealed(18446744073709551615ull));
  const std::string before = read_file(segment);
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  try {
    writer->append("job.note", "j", {}, Durability::lazy);
    BOOST_ERROR("append past 2^64-1 succeeded");
  } catch (const JournalError &e) {
    std::string what = e.what();
    BOOST_TEST(what.find("seq reached 2^64-1") != std::string::npos, what);
    BOOST_TEST(what.find("start a new home") != std::string::npos, what);
  }
  BOOST_TEST(read_file(segment) == before);
}

BOOST_AUTO_TEST_CASE(a_seq_that_does_not_fit_64_bits_is_damage_and_does_not_count) {
  TempDir tmp;
  std::string huge =
      "{\"seq\":18446744073709551616,\"ts\":\"x\",\"type\":\"job.note\",\"job\":\"j\"}";
  std::string sealed_huge = huge;
  // Seal by hand: seal_line would refuse a number it cannot hold.
  auto crc = crc32c(sealed_huge);
  char digits[9];
  std::snprintf(digits, sizeof digits, "%08x", crc);
  sealed_huge.pop_back();
  sealed_huge += std::string(",\"crc\":\"") + digits + "\"}\n";
  write_raw(tmp / "wal" / "wal-00000001.jsonl", sealed(1) + sealed(2) + sealed_huge);
  auto report = verify_journal(tmp / "wal");
  BOOST_TEST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST(report.problems[0].line == 3u);
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 3u);
}

BOOST_AUTO_TEST_CASE(append_refuses_a_line_over_max_line_bytes_before_writing_anything) {
  TempDir tmp;
  auto options = lazy_options(tmp / "wal");
  options.max_line_bytes = 400;
  auto writer = JournalWriter::open(options);
  BOOST_TEST(writer->append("job.note", "j", {{"text", std::string(200, 'x')}}, Durability::lazy) ==
             1u);
  const auto size = std::filesystem::file_size(tmp / "wal" / "wal-00000001.jsonl");
  try {
    writer->append("job.completed", "j-7", {{"output", std::string(400, 'x')}}, Durability::lazy);
    BOOST_ERROR("a line over max_line_bytes was accepted");
  } catch (const std::invalid_argument &e) {
    std::string what = e.what();
    BOOST_TEST(what.find("max_line_bytes (400)") != std::string::npos, what);
    BOOST_TEST(what.find("j-7") != std::string::npos, what);
  }
  BOOST_TEST(std::filesystem::file_size(tmp / "wal" / "wal-00000001.jsonl") == size);
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 2u);  // seq not consumed
  JournalOptions defaults;
  BOOST_TEST(defaults.max_line_bytes == 65536u);
}

// The readers' set of seen seqs (seq_order.hpp) stays one interval for a healthy journal and
// merges neighbours whatever the order seqs come in.
BOOST_AUTO_TEST_CASE(seen_seqs_are_kept_as_merged_intervals) {
  detail::SeqSet seen;
  for (std::uint64_t s = 1; s <= 1000; ++s) BOOST_TEST_REQUIRE(seen.insert(s));
  BOOST_TEST(seen.intervals().size() == 1u);
  BOOST_TEST(!seen.insert(500));
  BOOST_TEST(seen.insert(1002));
  BOOST_TEST(seen.insert(1004));
  BOOST_TEST(seen.intervals().size() == 3u);
  BOOST_TEST(seen.insert(1003));  // joins [1002] and [1004]
  BOOST_TEST(seen.insert(1001));  // joins everything
  auto intervals = seen.intervals();
  BOOST_TEST_REQUIRE(intervals.size() == 1u);
  BOOST_TEST(intervals[0].first == 1u);
  BOOST_TEST(intervals[0].second == 1004u);
  BOOST_TEST(seen.insert(18446744073709551615ull));
  BOOST_TEST(seen.contains(18446744073709551615ull));
  BOOST_TEST(!seen.contains(18446744073709551614ull));
  seen.insert_interval(2000, 18446744073709551614ull);
  BOOST_TEST(seen.intervals().size() == 2u);
}
