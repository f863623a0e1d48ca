// wal_index_processes — the job index shared by processes (FORMAT.md, "The job index"): two
// processes append jobs while two others catch the index up and look jobs up; every lookup
// during the race returns only the job's events in order, and afterwards the index matches
// the journal exactly.
#define BOOST_TEST_MODULE wal_index_processes
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"
#include "wal/journal_index.hpp"

#include <boost/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>

using namespace runtimo::wal;
using runtimo::test::TempDir;

namespace {

constexpr int kJobsPerAppender = 400;

JournalOptions options_for(const std::filesystem::path &dir) {
  JournalOptions options;
  options.dir = dir;
  options.sync = SyncPolicy::never;
  options.segment_bytes = 16 << 10;  // rotations during the race
  return options;
}

// Runs `body` in a child process; its exit code is 0 when it returned true.
pid_t fork_child(const std::function<bool()> &body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(120);  // a hung child fails the test instead of blocking it
    bool ok = false;
    try {
      ok = body();
    } catch (...) {
      ok = false;
    }
    ::_exit(ok ? 0 : 1);
  }
  return pid;
}

bool appender(const std::filesystem::path &dir, int which) {
  auto writer = JournalWriter::open(options_for(dir));
  for (int k = 0; k < kJobsPerAppender; ++k) {
    std::string id = "a" + std::to_string(which) + "-" + std::to_string(k);
    writer->append(event::started, id, {{"capability", "t"}}, Durability::lazy);
    writer->append(event::note, id, {{"k", k}}, Durability::lazy);
    if (k % 2 == 0) writer->append(event::completed, id, {}, Durability::lazy);
  }
  return true;
}

// Catches up and looks jobs up while the appenders run: each answer must be one job's events
// in increasing seq.
bool catcher(const std::filesystem::path &dir, const std::filesystem::path &index_dir, int seed) {
  auto index = JournalIndex::open(dir, index_dir);
  for (int round = 0; round < 200; ++round) {
    index->catch_up();
    std::string id = "a" + std::to_string((round + seed) % 2) + "-" +
                     std::to_string((round * 7) % kJobsPerAppender);
    std::uint64_t previous = 0;
    for (const auto &record : index->job_events(id)) {
      if (record.event.at("job").as_string() != id || record.seq <= previous) return false;
      previous = record.seq;
    }
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_appending_processes_and_two_catching_up_agree_with_the_journal) {
  TempDir tmp;
  auto dir = tmp / "wal", index_dir = tmp / "index";
  JournalWriter::open(options_for(dir));  // the journal exists before the race
  std::vector<pid_t> children{fork_child([&] { return appender(dir, 0); }),
                              fork_child([&] { return appender(dir, 1); }),
                              fork_child([&] { return catcher(dir, index_dir, 0); }),
                              fork_child([&] { return catcher(dir, index_dir, 1); })};
  for (pid_t pid : children) {
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "child " << pid);
  }

  std::map<std::string, std::vector<std::uint64_t>> truth;
  std::uint64_t last = 0;
  read_journal(dir, [&](const JournalRecord &r) {
    truth[std::string(r.event.at("job").as_string())].push_back(r.seq);
    last = std::max(last, r.seq);
    return true;
  });
  BOOST_TEST(last == 2u * (kJobsPerAppender * 2 + kJobsPerAppender / 2));
  auto index = JournalIndex::open(dir, index_dir);
  BOOST_TEST(index->max_seq() == last);
  for (const auto &[job, seqs] : truth) {
    std::vector<std::uint64_t> got;
    for (const auto &r : index->job_events(job)) got.push_back(r.seq);
    BOOST_TEST_REQUIRE(got == seqs, job);
  }
  BOOST_TEST(index->open_jobs().size() == 2u * (kJobsPerAppender / 2));
  BOOST_TEST(verify_journal(dir).ok());
}
