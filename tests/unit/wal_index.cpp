// wal_index — the job index (FORMAT.md, "The job index"): derived from the journal, rebuilt
// when missing or stale, caught up by reading only new lines, and never trusted over the
// journal; open jobs are the job.started without a terminal event.
#define BOOST_TEST_MODULE wal_index
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"
#include "wal/journal_index.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

using namespace runtimo::wal;
using runtimo::test::read_file;
using runtimo::test::TempDir;
using runtimo::wal::test::lazy_options;
using runtimo::wal::test::write_raw;

namespace {

// Jobs j-0 .. j-(jobs-1): each started, a note, then completed — except every third, left open.
void run_jobs(JournalWriter &writer, int first, int jobs) {
  for (int k = first; k < first + jobs; ++k) {
    std::string id = "j-" + std::to_string(k);
    writer.append(event::started, id,
                  {{"capability", "fs.read"},
                   {"runner", boost::json::object{{"pid", 1000 + k}, {"start_time", 77}}}},
                  Durability::lazy);
    writer.append(event::note, id, {{"k", k}}, Durability::lazy);
    if (k % 3 != 0) writer.append(event::completed, id, {}, Durability::lazy);
  }
}

// What read_journal returns for one job: the truth the index must match.
std::vector<std::uint64_t> truth(const std::filesystem::path &dir, const std::string &job) {
  std::vector<std::uint64_t> seqs;
  read_journal(dir, [&](const JournalRecord &r) {
    if (r.event.at("job").as_string() == job) seqs.push_back(r.seq);
    return true;
  });
  return seqs;
}

std::vector<std::uint64_t> indexed(JournalIndex &index, const std::string &job) {
  std::vector<std::uint64_t> seqs;
  for (const auto &r : index.job_events(job)) seqs.push_back(r.seq);
  return seqs;
}

void expect_matches_journal(JournalIndex &index, const std::filesystem::path &dir, int jobs) {
  for (int k = 0; k < jobs; ++k) {
    std::string id = "j-" + std::to_string(k);
    BOOST_TEST(indexed(index, id) == truth(dir, id), boost::test_tools::per_element());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_missing_index_is_rebuilt_and_job_events_are_exactly_the_jobs_in_order) {
  TempDir tmp;
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal", 4096));
    run_jobs(*writer, 0, 30);
  }
  BOOST_TEST_REQUIRE(list_segments(tmp / "wal").size() > 2u);
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  BOOST_TEST(index->last_catch_up().rebuilt);
  BOOST_TEST(index->last_catch_up().rebuild_reason == "no index yet");
  BOOST_TEST(index->max_seq() == 80u);
  expect_matches_journal(*index, tmp / "wal", 30);

  auto events = index->job_events("j-4");
  BOOST_TEST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events[0].event.at("type") == "job.started");
  BOOST_TEST(events[2].event.at("type") == "job.completed");
  for (const auto &e : events) BOOST_TEST(e.event.at("job") == "j-4");
  BOOST_TEST(index->job_events("nobody").empty());

  // A second open finds it current: nothing read again.
  auto again = JournalIndex::open(tmp / "wal", tmp / "index");
  BOOST_TEST(!again->last_catch_up().rebuilt);
  BOOST_TEST(again->last_catch_up().lines_read == 0u);
  BOOST_TEST(again->max_seq() == 80u);
}

BOOST_AUTO_TEST_CASE(open_jobs_are_the_started_jobs_without_a_terminal_event) {
  TempDir tmp;
  auto writer = JournalWriter::open(lazy_options(tmp / "wal", 4096));
  run_jobs(*writer, 0, 7);  // j-0, j-3, j-6 left open
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  auto open = index->open_jobs();
  BOOST_TEST_REQUIRE(open.size() == 3u);
  BOOST_TEST(open[0].job == "j-0");
  BOOST_TEST(open[1].job == "j-3");
  BOOST_TEST(open[2].job == "j-6");
  BOOST_TEST(open[1].capability == "fs.read");
  BOOST_TEST(open[1].runner.at("pid") == 1003);
  BOOST_TEST(open[1].started_seq == truth(tmp / "wal", "j-3").front());

  writer->append(event::interrupted, "j-3", {}, Durability::lazy);
  writer->append(event::timed_out, "j-0", {}, Durability::lazy);
  writer->append(event::note, "j-6", {}, Durability::lazy);  // not an end
  index->catch_up();
  BOOST_TEST(!index->last_catch_up().rebuilt);
  BOOST_TEST(index->last_catch_up().lines_read == 3u);
  open = index->open_jobs();
  BOOST_TEST_REQUIRE(open.size() == 1u);
  BOOST_TEST(open[0].job == "j-6");
  BOOST_TEST(open[0].runner.at("pid") == 1006);
  // Open jobs survive a reopen (they are in the meta file).
  auto reopened = JournalIndex::open(tmp / "wal", tmp / "index");
  BOOST_TEST_REQUIRE(reopened->open_jobs().size() == 1u);
  BOOST_TEST(reopened->open_jobs()[0].capability == "fs.read");
}

BOOST_AUTO_TEST_CASE(catch_up_reads_only_what_another_process_appended) {
  TempDir tmp;
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal", 4096));
    run_jobs(*writer, 0, 10);
  }
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      auto writer = JournalWriter::open(lazy_options(tmp / "wal", 4096));
      run_jobs(*writer, 10, 5);
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  int status = 0;
  BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_TEST_REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  index->catch_up();
  BOOST_TEST(!index->last_catch_up().rebuilt);
  BOOST_TEST(index->last_catch_up().lines_read == 14u);  // 5 jobs: 5 started, 5 notes, 4 ends
  BOOST_TEST(index->max_seq() == 26u + 14u);
  expect_matches_journal(*index, tmp / "wal", 15);
}

BOOST_AUTO_TEST_CASE(a_replaced_journal_makes_the_index_stale_and_it_is_rebuilt) {
  TempDir tmp;
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal", 64ull << 20));
    run_jobs(*writer, 0, 10);
  }
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  std::filesystem::rename(tmp / "wal", tmp / "old-wal");
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal", 64ull << 20));
    run_jobs(*writer, 20, 4);
    run_jobs(*writer, 0, 2);
  }
  index->catch_up();
  BOOST_TEST(index->last_catch_up().rebuilt);
  BOOST_TEST(!index->last_catch_up().rebuild_reason.empty());
  expect_matches_journal(*index, tmp / "wal", 24);
  BOOST_TEST(index->job_events("j-5").empty());

  // The same directory, its segment rewritten in place to other content of a larger size.
  std::string text = read_file(tmp / "old-wal" / "wal-00000001.jsonl");
  write_raw(tmp / "wal" / "wal-00000001.jsonl", text);
  index->catch_up();
  BOOST_TEST(index->last_catch_up().rebuilt);
  BOOST_TEST(index->last_catch_up().rebuild_reason.find("changed") != std::string::npos,
             index->last_catch_up().rebuild_reason);
  expect_matches_journal(*index, tmp / "wal", 24);
}

BOOST_AUTO_TEST_CASE(a_crash_between_bucket_and_meta_writes_gives_correct_results) {
  TempDir tmp;
  auto writer = JournalWriter::open(lazy_options(tmp / "wal", 4096));
  run_jobs(*writer, 0, 10);
  JournalIndex::open(tmp / "wal", tmp / "index");
  const std::string old_a = read_file(tmp / "index" / "meta-a"),
                    old_b = read_file(tmp / "index" / "meta-b");
  run_jobs(*writer, 10, 10);
  JournalIndex::open(tmp / "wal", tmp / "index");  // buckets and meta both written
  // Put the old meta back: as if the crash came after the bucket records, before the meta.
  write_raw(tmp / "index" / "meta-a", old_a);
  write_raw(tmp / "index" / "meta-b", old_b);
  run_jobs(*writer, 0, 3);  // more records for the same buckets, after the leftovers
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  BOOST_TEST(!index->last_catch_up().rebuilt);  // the leftovers are cut, not trusted
  expect_matches_journal(*index, tmp / "wal", 20);

  // The crash tore the meta write: the previous slot still holds a state, caught up from.
  run_jobs(*writer, 20, 2);
  JournalIndex::open(tmp / "wal", tmp / "index");
  // Tear the slot of the highest generation (its header: "runtimo-index-meta <generation> …").
  auto generation = [&](const char *slot) {
    return std::stoull(
        read_file(tmp / "index" / slot).substr(std::string("runtimo-index-meta ").size()));
  };
  auto newest = tmp / "index" / (generation("meta-a") > generation("meta-b") ? "meta-a" : "meta-b");
  std::string text = read_file(newest);
  text[text.size() / 2] ^= 0x20;  // its CRC fails
  write_raw(newest, text);
  auto after_torn = JournalIndex::open(tmp / "wal", tmp / "index");
  expect_matches_journal(*after_torn, tmp / "wal", 22);
  BOOST_TEST(after_torn->max_seq() == writer->last_seq());

  // Both slots cut short: rebuilt.
  std::filesystem::resize_file(tmp / "index" / "meta-a", 40);
  std::filesystem::resize_file(tmp / "index" / "meta-b", 40);
  auto rebuilt = JournalIndex::open(tmp / "wal", tmp / "index");
  BOOST_TEST(rebuilt->last_catch_up().rebuilt);
  expect_matches_journal(*rebuilt, tmp / "wal", 22);
  BOOST_TEST(rebuilt->max_seq() == writer->last_seq());
}

BOOST_AUTO_TEST_CASE(a_record_that_does_not_match_its_line_makes_the_lookup_rebuild) {
  TempDir tmp;
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal", 4096));
    run_jobs(*writer, 0, 10);  // several segments: the first is not the last indexed one
  }
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  // Swap the first two lines of the first segment in place (same size, same file).
  auto segment = tmp / "wal" / "wal-00000001.jsonl";
  std::string text = read_file(segment);
  std::size_t first = text.find('\n') + 1, second = text.find('\n', first) + 1;
  std::string swapped =
      text.substr(first, second - first) + text.substr(0, first) + text.substr(second);
  {
    std::fstream out(segment, std::ios::binary | std::ios::in | std::ios::out);
    out << swapped;
  }
  auto events = index->job_events("j-0");
  std::vector<std::uint64_t> seqs;
  for (const auto &e : events) seqs.push_back(e.seq);
  BOOST_TEST(seqs == truth(tmp / "wal", "j-0"), boost::test_tools::per_element());
  BOOST_TEST(index->last_catch_up().rebuilt);
}

BOOST_AUTO_TEST_CASE(damaged_and_duplicated_lines_are_indexed_as_readers_read_them) {
  TempDir tmp;
  {
    auto writer = JournalWriter::open(lazy_options(tmp / "wal", 64ull << 20));
    run_jobs(*writer, 0, 4);
  }
  auto segment = tmp / "wal" / "wal-00000001.jsonl";
  std::string text = read_file(segment);
  std::size_t last = text.rfind('\n', text.size() - 2) + 1;
  text += text.substr(last);         // the last line duplicated
  text[text.find("\"k\":1")] = 'X';  // j-1's note damaged
  write_raw(segment, text);
  auto index = JournalIndex::open(tmp / "wal", tmp / "index");
  expect_matches_journal(*index, tmp / "wal", 4);
  BOOST_TEST(index->job_events("j-1").size() == 2u);
  BOOST_TEST(index->max_seq() == 10u);
}

BOOST_AUTO_TEST_CASE(a_writer_with_an_index_learns_the_highest_seq_from_it) {
  TempDir tmp;
  auto options = lazy_options(tmp / "wal", 4096);
  options.index_dir = tmp / "index";
  {
    auto writer = JournalWriter::open(options);
    BOOST_TEST_REQUIRE(writer->index() != nullptr);
    run_jobs(*writer, 0, 5);
  }
  auto writer = JournalWriter::open(options);
  BOOST_TEST(!writer->index()->last_catch_up().rebuilt);
  BOOST_TEST(writer->index()->max_seq() == 13u);
  BOOST_TEST(writer->append(event::note, "j-1", {}, Durability::lazy) == 14u);

  // Recovery: interrupt the open jobs, atomically with respect to other writers.
  std::vector<std::string> interrupted;
  writer->under_lock([&](AppendUnderLock &appender) {
    writer->index()->catch_up();
    for (const auto &job : writer->index()->open_jobs()) {
      appender.append(event::interrupted, job.job, {{"runner", job.runner}}, Durability::durable);
      interrupted.push_back(job.job);
    }
  });
  BOOST_TEST(interrupted == (std::vector<std::string>{"j-0", "j-3"}),
             boost::test_tools::per_element());
  writer->index()->catch_up();
  BOOST_TEST(writer->index()->open_jobs().empty());
  BOOST_TEST(writer->append(event::note, "j-1", {}, Durability::lazy) == 17u);
  BOOST_TEST(verify_journal(tmp / "wal").ok());
}
