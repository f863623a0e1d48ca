// wal_group_commit — GroupCommit (wal/group_commit.hpp): one fdatasync covers every line
// written before it started, threads share syncs, leaving a segment syncs it, and a failed
// sync is sticky.
#define BOOST_TEST_MODULE wal_group_commit
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/group_commit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <thread>

using namespace runtimo::wal;
using namespace runtimo::wal::detail;
using runtimo::test::TempDir;

namespace {

std::shared_ptr<OpenSegment> open_segment(const std::filesystem::path &path) {
  return std::make_shared<OpenSegment>(OpenSegment{
      FileDescriptor(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)), path});
}

void write_line(const OpenSegment &segment) {
  std::uint64_t written = 0;
  BOOST_TEST_REQUIRE(write_all(segment.fd.get(), "{}\n", written) == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_sync_covers_every_line_written_before_it_started) {
  TempDir tmp;
  auto segment = open_segment(tmp / "wal-00000001.jsonl");
  GroupCommit commit;
  std::uint64_t tickets[3];
  for (auto &ticket : tickets) {
    write_line(*segment);
    ticket = commit.written(segment);
  }
  BOOST_TEST(tickets[0] == 1u);
  BOOST_TEST(tickets[2] == 3u);
  commit.wait_durable(tickets[0]);
  BOOST_TEST(commit.syncs() == 1u);
  commit.wait_durable(tickets[2]);  // already covered
  commit.wait_durable(tickets[1]);
  BOOST_TEST(commit.syncs() == 1u);

  write_line(*segment);
  commit.wait_durable(commit.written(segment));
  BOOST_TEST(commit.syncs() == 2u);
}

BOOST_AUTO_TEST_CASE(leaving_a_segment_syncs_it_once_and_covers_its_lines) {
  TempDir tmp;
  auto first = open_segment(tmp / "wal-00000001.jsonl");
  GroupCommit commit;
  write_line(*first);
  std::uint64_t old_ticket = commit.written(first);
  commit.leaving_segment(true);
  BOOST_TEST(commit.syncs() == 1u);
  commit.leaving_segment(true);  // nothing new to sync
  BOOST_TEST(commit.syncs() == 1u);
  commit.wait_durable(old_ticket);
  BOOST_TEST(commit.syncs() == 1u);

  // SyncPolicy::never: leaving marks lines done without syncing.
  auto second = open_segment(tmp / "wal-00000002.jsonl");
  write_line(*second);
  commit.written(second);
  commit.leaving_segment(false);
  BOOST_TEST(commit.syncs() == 1u);
}

BOOST_AUTO_TEST_CASE(threads_appending_at_once_share_syncs) {
  TempDir tmp;
  auto segment = open_segment(tmp / "wal-00000001.jsonl");
  GroupCommit commit;
  std::mutex append_mutex;  // the writer's: tickets are taken in write order
  const int threads = 8, per_thread = 100;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int k = 0; k < per_thread; ++k) {
        std::uint64_t ticket;
        {
          std::lock_guard guard(append_mutex);
          write_line(*segment);
          ticket = commit.written(segment);
        }
        commit.wait_durable(ticket);
      }
    });
  }
  for (auto &thread : pool) thread.join();
  BOOST_TEST(commit.syncs() >= 1u);
  BOOST_TEST(commit.syncs() < static_cast<std::uint64_t>(threads * per_thread),
             commit.syncs() << " syncs for " << threads * per_thread << " durable lines");
  BOOST_TEST_MESSAGE(commit.syncs() << " syncs for " << threads * per_thread << " durable lines");
}

BOOST_AUTO_TEST_CASE(a_failed_sync_is_sticky_and_names_the_file) {
  int fds[2];
  BOOST_TEST_REQUIRE(::pipe(fds) == 0);
  ::close(fds[1]);
  // fdatasync of a pipe fails (EINVAL), like a disk that lost the data would.
  auto broken = std::make_shared<OpenSegment>(
      OpenSegment{FileDescriptor(fds[0]), "/x/wal/wal-00000001.jsonl"});
  GroupCommit commit;
  std::uint64_t ticket = commit.written(broken);
  try {
    commit.wait_durable(ticket);
    BOOST_ERROR("wait_durable succeeded on a failed sync");
  } catch (const JournalError &e) {
    std::string what = e.what();
    BOOST_TEST(what.rfind("cannot sync /x/wal/wal-00000001.jsonl: Invalid argument", 0) == 0u,
               what);
  }
  BOOST_CHECK_THROW(commit.throw_if_failed(), JournalError);
  BOOST_CHECK_THROW(commit.wait_durable(commit.written(broken)), JournalError);
  BOOST_CHECK_THROW(commit.leaving_segment(true), JournalError);
}
