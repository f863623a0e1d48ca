// wal_concurrency — several processes and several threads appending to one journal at once:
// no interleaved, lost or duplicated lines, seq 1..N exactly once, in file order (DESIGN §4).
#define BOOST_TEST_MODULE wal_concurrency
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <thread>

using namespace runtimo::wal;
using runtimo::test::TempDir;

namespace {

struct Appended {
  std::uint64_t seq;
  std::int64_t writer;
  std::int64_t n;
};

// Every event of the journal, in file order; fails the test on any damaged line.
std::vector<Appended> read_back(const std::filesystem::path &dir) {
  std::vector<Appended> out;
  read_journal(
      dir,
      [&](const JournalRecord &r) {
        out.push_back({r.seq, r.event.at("writer").as_int64(), r.event.at("n").as_int64()});
        return true;
      },
      [&](const JournalProblem &p) { BOOST_ERROR(p.segment << ":" << p.line << ": " << p.what); });
  return out;
}

// seq 1..writers*per_writer exactly once and increasing in file order; every writer's events
// all present, in its own order.
void expect_complete(const std::vector<Appended> &events, int writers, int per_writer) {
  BOOST_TEST_REQUIRE(events.size() == static_cast<std::size_t>(writers * per_writer));
  for (std::size_t i = 0; i < events.size(); ++i) {
    BOOST_TEST_REQUIRE(events[i].seq == i + 1, "line " << i << " has seq " << events[i].seq);
  }
  std::map<std::int64_t, std::vector<std::int64_t>> by_writer;
  for (const auto &e : events) by_writer[e.writer].push_back(e.n);
  BOOST_TEST(by_writer.size() == static_cast<std::size_t>(writers));
  for (const auto &[writer, ns] : by_writer) {
    BOOST_TEST_REQUIRE(ns.size() == static_cast<std::size_t>(per_writer), "writer " << writer);
    for (int k = 0; k < per_writer; ++k) BOOST_TEST_REQUIRE(ns[static_cast<std::size_t>(k)] == k);
  }
}

// Forks `children` processes, each opening its own writer on `dir` and appending `per_child`
// durable events. Forked from a single-threaded parent only.
std::vector<pid_t> spawn_appenders(const std::filesystem::path &dir, std::uint64_t segment_bytes,
                                   int children, int per_child) {
  std::vector<pid_t> pids;
  for (int c = 0; c < children; ++c) {
    pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
      ::alarm(60);  // a child that hangs dies and fails the test instead of blocking it
      int code = 0;
      try {
        JournalOptions options;
        options.dir = dir;
        options.segment_bytes = segment_bytes;
        options.sync = SyncPolicy::durable;
        auto writer = JournalWriter::open(options);
        std::uint64_t previous = 0;
        for (int k = 0; k < per_child; ++k) {
          std::uint64_t seq =
              writer->append("job.note", "child-" + std::to_string(c),
                             {{"writer", c},
                              {"n", k},
                              {"pad", std::string(static_cast<std::size_t>(40 + k % 50), 'p')}},
                             Durability::durable);
          if (seq <= previous) code = 3;
          previous = seq;
        }
      } catch (...) {
        code = 2;
      }
      ::_exit(code);
    }
    pids.push_back(pid);
  }
  return pids;
}

void expect_all_succeeded(const std::vector<pid_t> &pids) {
  for (pid_t pid : pids) {
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
  }
}

void append_from_processes(const std::filesystem::path &dir, std::uint64_t segment_bytes,
                           int children, int per_child) {
  expect_all_succeeded(spawn_appenders(dir, segment_bytes, children, per_child));
}

}  // namespace

BOOST_AUTO_TEST_CASE(processes_appending_at_once_lose_and_duplicate_nothing) {
  TempDir tmp;
  const int children = 4, per_child = 200;
  append_from_processes(tmp / "wal", 64ull << 20, children, per_child);
  expect_complete(read_back(tmp / "wal"), children, per_child);
  auto report = verify_journal(tmp / "wal");
  BOOST_TEST(report.ok());
  BOOST_TEST(report.segments == 1u);
  BOOST_TEST(report.last_seq == static_cast<std::uint64_t>(children * per_child));
}

BOOST_AUTO_TEST_CASE(processes_racing_through_rotations_lose_and_duplicate_nothing) {
  TempDir tmp;
  const int children = 5, per_child = 200;
  append_from_processes(tmp / "wal", 8 << 10, children, per_child);
  expect_complete(read_back(tmp / "wal"), children, per_child);
  auto report = verify_journal(tmp / "wal");
  BOOST_TEST(report.ok());
  auto segments = list_segments(tmp / "wal");
  BOOST_TEST(segments.size() >= 10u);
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    BOOST_TEST(std::filesystem::file_size(segments[i]) >= (8u << 10));
    BOOST_TEST(std::filesystem::file_size(segments[i]) <
               (8u << 10) + 512);  // one line over at most
  }
}

BOOST_AUTO_TEST_CASE(threads_of_one_writer_share_it_safely_with_durable_appends) {
  TempDir tmp;
  JournalOptions options;
  options.dir = tmp / "wal";
  options.sync = SyncPolicy::durable;
  options.segment_bytes = 64 << 10;  // a few rotations while durable appends are in flight
  auto writer = JournalWriter::open(options);
  const int threads = 8, per_thread = 200;
  std::vector<std::vector<std::uint64_t>> returned(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int k = 0; k < per_thread; ++k) {
        returned[static_cast<std::size_t>(t)].push_back(
            writer->append("job.note", "thread-" + std::to_string(t), {{"writer", t}, {"n", k}},
                           Durability::durable));
      }
    });
  }
  for (auto &thread : pool) thread.join();

  std::set<std::uint64_t> all;
  for (const auto &seqs : returned) {
    for (std::size_t k = 1; k < seqs.size(); ++k) BOOST_TEST_REQUIRE(seqs[k] > seqs[k - 1]);
    all.insert(seqs.begin(), seqs.end());
  }
  BOOST_TEST(all.size() == static_cast<std::size_t>(threads * per_thread));
  expect_complete(read_back(options.dir), threads, per_thread);
  BOOST_TEST(verify_journal(options.dir).ok());
  BOOST_TEST(list_segments(options.dir).size() > 1u);
}

BOOST_AUTO_TEST_CASE(threads_and_processes_appending_together_lose_nothing) {
  TempDir tmp;
  // Children appending while two threads of this process append through one writer.
  JournalOptions options;
  options.dir = tmp / "wal";
  options.segment_bytes = 16 << 10;
  auto children = spawn_appenders(options.dir, options.segment_bytes, 3, 100);
  auto writer = JournalWriter::open(options);
  std::vector<std::thread> local;
  for (int t = 0; t < 2; ++t) {
    local.emplace_back([&, t] {
      for (int k = 0; k < 100; ++k) {
        writer->append("job.note", "parent", {{"writer", 100 + t}, {"n", k}}, Durability::durable);
      }
    });
  }
  for (auto &thread : local) thread.join();
  expect_all_succeeded(children);
  auto events = read_back(options.dir);
  expect_complete(events, 5, 100);
  BOOST_TEST(verify_journal(options.dir).ok());
}
