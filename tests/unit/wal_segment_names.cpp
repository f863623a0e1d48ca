// wal_segment_names — segment files named with more digits than any integer type holds
// (FORMAT.md, "Directory layout") are listed in numeric order, read, and appended after.
#define BOOST_TEST_MODULE wal_segment_names
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace runtimo::wal;
using runtimo::test::TempDir;
using runtimo::wal::test::sealed;
using runtimo::wal::test::write_raw;

namespace {}  // namespace

BOOST_AUTO_TEST_CASE(names_of_20_and_25_digits_list_in_numeric_order_and_are_appendable) {
  TempDir tmp;
  auto dir = tmp / "wal";
  const std::string n20 = "18446744073709551616";       // 2^64: past uint64
  const std::string n25 = "1000000000000000000000000";  // 25 digits
  write_raw(dir / "wal-00000009.jsonl", sealed(1));
  write_raw(dir / ("wal-" + n25 + ".jsonl"), sealed(4));
  write_raw(dir / "wal-123456789.jsonl", sealed(2));
  write_raw(dir / ("wal-" + n20 + ".jsonl"), sealed(3));
  write_raw(dir / "wal-099999999.jsonl", sealed(99));  // not a segment name: padded past 8

  auto segments = list_segments(dir);
  std::vector<std::string> names;
  for (const auto &s : segments) names.push_back(s.filename().string());
  BOOST_TEST(names == (std::vector<std::string>{"wal-00000009.jsonl", "wal-123456789.jsonl",
                                                "wal-" + n20 + ".jsonl", "wal-" + n25 + ".jsonl"}),
             boost::test_tools::per_element());

  JournalOptions options;
  options.dir = dir;
  options.sync = SyncPolicy::never;
  options.segment_bytes = 150;  // the newest segment is full: the next append rotates
  auto writer = JournalWriter::open(options);
  BOOST_TEST(writer->append("job.note", "j", {{"pad", std::string(100, 'p')}}, Durability::lazy) ==
             5u);
  BOOST_TEST(writer->append("job.note", "j", {{"pad", std::string(100, 'p')}}, Durability::lazy) ==
             6u);
  const std::string next = "1000000000000000000000001";
  BOOST_TEST(std::filesystem::exists(dir / ("wal-" + next + ".jsonl")));
  std::vector<std::uint64_t> seqs;
  read_journal(dir, [&](const JournalRecord &r) {
    seqs.push_back(r.seq);
    return true;
  });
  BOOST_TEST(seqs == (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}),
             boost::test_tools::per_element());
  BOOST_TEST(verify_journal(dir).ok());
}
