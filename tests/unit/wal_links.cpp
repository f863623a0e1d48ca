// wal_links — the journal follows no symbolic links and opens only regular files (DESIGN §4):
// a segment, LOCK or the wal directory replaced by a link is refused with an error naming it,
// and the file the link points at is never appended to or cut. verify_journal changes nothing
// on disk.
#define BOOST_TEST_MODULE wal_links
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>

using namespace runtimo::wal;
using runtimo::test::read_file;
using runtimo::test::TempDir;
using runtimo::wal::test::lazy_options;
using runtimo::wal::test::write_raw;

namespace {

// A journal of `n` events, closed.
void journal_with(const std::filesystem::path &dir, int n) {
  auto writer = JournalWriter::open(lazy_options(dir));
  for (int i = 0; i < n; ++i) writer->append("job.note", "j", {{"i", i}}, Durability::lazy);
}

// Every path under `root` with its bytes (directories as "<dir>").
std::map<std::string, std::string> tree_of(const std::filesystem::path &root) {
  std::map<std::string, std::string> tree;
  for (const auto &entry : std::filesystem::recursive_directory_iterator(root)) {
    tree[entry.path().string()] = entry.is_directory() ? "<dir>" : read_file(entry.path());
  }
  return tree;
}

template <class Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const JournalError &e) {
    return e.what();
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_segment_replaced_by_a_symlink_is_neither_appended_to_nor_cut) {
  TempDir tmp;
  auto dir = tmp / "wal";
  journal_with(dir, 3);
  // The outside file ends in a torn line: a writer following the link would cut it.
  const std::string outside_bytes = "precious data\nno newline at the end";
  write_raw(tmp / "outside.txt", outside_bytes);
  auto segment = dir / "wal-00000001.jsonl";
  std::filesystem::remove(segment);
  std::filesystem::create_symlink(tmp / "outside.txt", segment);

  std::string what = error_of([&] { JournalWriter::open(lazy_options(dir)); });
  BOOST_TEST(what.find(segment.string()) != std::string::npos, what);
  BOOST_TEST(what.find("symbolic link") != std::string::npos, what);
  BOOST_TEST(read_file(tmp / "outside.txt") == outside_bytes);
  BOOST_TEST(std::filesystem::is_empty(dir / "corrupt"));

  // Readers and verify report it and go on.
  std::vector<JournalProblem> problems;
  read_journal(
      dir, [](const JournalRecord &) { return true; },
      [&](const JournalProblem &p) { problems.push_back(p); });
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].segment == segment);
  BOOST_TEST(problems[0].what.find("symbolic link") != std::string::npos);
  auto report = verify_journal(dir);
  BOOST_TEST_REQUIRE(report.problems.size() == 1u);
  BOOST_TEST(report.problems[0].what.find("skipped") != std::string::npos);
  BOOST_TEST(tail_journal(dir, 5).empty());
  BOOST_TEST(read_file(tmp / "outside.txt") == outside_bytes);
}

BOOST_AUTO_TEST_CASE(a_segment_replaced_while_the_writer_is_open_is_not_appended_to) {
  TempDir tmp;
  auto dir = tmp / "wal";
  auto writer = JournalWriter::open(lazy_options(dir));
  writer->append("job.note", "j", {}, Durability::lazy);
  const std::string outside_bytes = "outside\n";
  write_raw(tmp / "outside.txt", outside_bytes);
  auto segment = dir / "wal-00000001.jsonl";
  std::filesystem::rename(segment, tmp / "moved.jsonl");
  std::filesystem::create_symlink(tmp / "outside.txt", segment);

  std::string what = error_of([&] { writer->append("job.note", "j", {}, Durability::lazy); });
  BOOST_TEST(what.find(segment.string()) != std::string::npos, what);
  BOOST_TEST(what.find("symbolic link") != std::string::npos, what);
  BOOST_TEST(read_file(tmp / "outside.txt") == outside_bytes);
  BOOST_TEST(std::filesystem::file_size(tmp / "moved.jsonl") < 200u);  // still one line
}

BOOST_AUTO_TEST_CASE(a_segment_that_is_not_a_regular_file_is_refused) {
  TempDir tmp;
  auto dir = tmp / "wal";
  journal_with(dir, 1);
  auto fifo = dir / "wal-00000002.jsonl";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string what = error_of([&] { JournalWriter::open(lazy_options(dir)); });
  BOOST_TEST(what.find(fifo.string()) != std::string::npos, what);
  BOOST_TEST(what.find("not a regular file") != std::string::npos, what);
  auto report = verify_journal(dir);  // does not block on the FIFO
  BOOST_TEST(report.problems.size() == 1u);
  BOOST_TEST(report.lines == 1u);
}

BOOST_AUTO_TEST_CASE(a_lock_file_or_journal_directory_that_is_a_symlink_is_refused) {
  TempDir tmp;
  journal_with(tmp / "wal", 1);
  write_raw(tmp / "elsewhere", "");
  std::filesystem::remove(tmp / "wal" / "LOCK");
  std::filesystem::create_symlink(tmp / "elsewhere", tmp / "wal" / "LOCK");
  std::string what = error_of([&] { JournalWriter::open(lazy_options(tmp / "wal")); });
  BOOST_TEST(what.find((tmp / "wal" / "LOCK").string()) != std::string::npos, what);

  std::filesystem::create_directory_symlink(tmp / "wal", tmp / "linked-wal");
  what = error_of([&] { JournalWriter::open(lazy_options(tmp / "linked-wal")); });
  BOOST_TEST(what.find("symbolic link") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(verify_leaves_a_damaged_journal_byte_identical_and_creates_nothing) {
  TempDir tmp;
  auto dir = tmp / "wal";
  journal_with(dir, 4);
  std::filesystem::remove(dir / "LOCK");
  std::filesystem::remove(dir / "corrupt");
  auto segment = dir / "wal-00000001.jsonl";
  std::string text = read_file(segment);
  text[text.find("\"i\":1")] = 'X';    // damage in the middle
  text += "{\"seq\":5,\"ts\":\"2026";  // and a torn tail
  write_raw(segment, text);
  const auto before = tree_of(tmp.path());

  auto report = verify_journal(dir);
  BOOST_TEST(report.problems.size() == 2u);
  BOOST_TEST(report.lines == 5u);
  BOOST_TEST((tree_of(tmp.path()) == before));  // no cut, no LOCK, no corrupt/

  auto missing = verify_journal(tmp / "nothing");
  BOOST_TEST(missing.ok());
  BOOST_TEST(!std::filesystem::exists(tmp / "nothing"));
}
