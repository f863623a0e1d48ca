// snapshot_stat_files.cpp — stat files kept open between a sampler's captures: what a scan
// with keep_open reads is what a fresh scan reads, the kept descriptors sit at 1024 and up and
// close on exec, the files of exited processes are closed, a kept file of a dead process is
// never taken for the process that now has its pid, and nothing is kept when RLIMIT_NOFILE
// leaves no room above 1024.
#define BOOST_TEST_MODULE snapshot_stat_files
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "snapshot/process_snapshot.hpp"
#include "snapshot/stat_files.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <string>

namespace snap = runtimo::snapshot;
using runtimo::test::Sleeper;

namespace {

// A job's scans: stat only, files kept.
snap::ProcessSnapshotOptions kept_scan() {
  return snap::ProcessSnapshotOptions::stat_only_kept();
}

const snap::ProcessInfo *find(const snap::ProcessSnapshot &s, std::int64_t pid) {
  for (const auto &p : s.processes)
    if (p.pid == pid) return &p;
  return nullptr;
}

// This process's open descriptors numbered `from` and up.
std::vector<int> open_fds_from(int from) {
  std::vector<int> out;
  for (const auto &e : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(e.path().filename().string());
    if (fd >= from) out.push_back(fd);
  }
  return out;
}

bool raise_soft_limit_to(rlim_t wanted) {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return false;
  if (l.rlim_cur >= wanted) return true;
  if (l.rlim_max != RLIM_INFINITY && l.rlim_max < wanted) return false;
  l.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &l) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kept_files_read_what_fresh_files_read) {
  BOOST_TEST_REQUIRE(raise_soft_limit_to(4096));
  const Sleeper sleeper("41.5");
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot first = sampler.capture(kept_scan());
  // Every process's stat file is kept, above 1024 and close-on-exec.
  const std::vector<int> kept = open_fds_from(1024);
  BOOST_TEST(kept.size() == first.processes.size());  // one per process the scan read
  for (const int fd : kept) BOOST_TEST((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);

  const snap::ProcessSnapshot again = sampler.capture(kept_scan());
  snap::ProcessSampler fresh_sampler;
  snap::ProcessSnapshotOptions fresh = kept_scan();
  fresh.keep_open = false;
  const snap::ProcessSnapshot fresh_scan = fresh_sampler.capture(fresh);
  const snap::ProcessInfo *a = find(again, sleeper.pid());
  const snap::ProcessInfo *b = find(fresh_scan, sleeper.pid());
  BOOST_TEST_REQUIRE(a != nullptr);
  BOOST_TEST_REQUIRE(b != nullptr);
  BOOST_TEST(a->comm == "sleep");
  BOOST_TEST(a->ppid == ::getpid());
  BOOST_TEST(a->start_time_ticks == b->start_time_ticks);
  BOOST_TEST(a->state == b->state);
  BOOST_TEST(a->uid == 0u);  // owners off
  // Our own entry is re-read, not remembered: its CPU time moves on.
  const std::clock_t spin_from = std::clock();
  while (std::clock() < spin_from + CLOCKS_PER_SEC / 20) {
  }
  const snap::ProcessSnapshot later = sampler.capture(kept_scan());
  BOOST_TEST(find(later, ::getpid())->cpu_time_ticks > find(first, ::getpid())->cpu_time_ticks);
}

BOOST_AUTO_TEST_CASE(files_of_exited_processes_are_closed) {
  BOOST_TEST_REQUIRE(raise_soft_limit_to(4096));
  snap::ProcessSampler sampler;
  pid_t gone = 0;
  {
    const Sleeper sleeper("42.5");
    gone = sleeper.pid();
    const snap::ProcessSnapshot s = sampler.capture(kept_scan());
    BOOST_TEST_REQUIRE(find(s, gone) != nullptr);
    BOOST_TEST(open_fds_from(1024).size() == s.processes.size());
  }  // the sleeper is killed and reaped
  const snap::ProcessSnapshot s = sampler.capture(kept_scan());
  BOOST_TEST(find(s, gone) == nullptr);
  // One kept file per process listed now: the sleeper's was closed.
  BOOST_TEST(open_fds_from(1024).size() == s.processes.size());
}

BOOST_AUTO_TEST_CASE(a_kept_file_of_a_dead_process_is_never_read_for_a_new_one) {
  BOOST_TEST_REQUIRE(raise_soft_limit_to(4096));
  snap::StatFiles files;
  // The stat file of a process that then exits, kept as if it were the file of a live pid.
  int dead_fd = -1;
  pid_t dead = 0;
  {
    const Sleeper sleeper("43.5");
    dead = sleeper.pid();
    dead_fd = ::open(("/proc/" + std::to_string(dead) + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    BOOST_TEST_REQUIRE(dead_fd >= 0);
  }
  const Sleeper live("44.5");
  const int kept = files.adopt(dead_fd);
  BOOST_TEST_REQUIRE(kept >= 1024);
  files.keep({live.pid()}, {kept});
  std::vector<int> fds = files.take({live.pid()});
  BOOST_TEST_REQUIRE(fds.size() == 1u);
  BOOST_TEST(fds[0] == kept);
  char buf[512];
  BOOST_TEST(::pread(fds[0], buf, sizeof buf, 0) < 0);  // ESRCH: bound to the dead process
  BOOST_TEST(errno == ESRCH);
  files.drop(fds[0]);
  BOOST_TEST(open_fds_from(1024).empty());
}

BOOST_AUTO_TEST_CASE(nothing_is_kept_without_room_above_1024) {
  rlimit saved{};
  BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = 1024;
  BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  const Sleeper sleeper("45.5");
  {
    snap::ProcessSampler sampler;
    sampler.capture(kept_scan());
    const snap::ProcessSnapshot s = sampler.capture(kept_scan());
    BOOST_TEST(find(s, sleeper.pid()) != nullptr);
    BOOST_TEST(open_fds_from(1024).empty());
  }
  BOOST_TEST(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
}
