// snapshot/stat_files.hpp — /proc/<pid>/stat files a ProcessSampler keeps open between its
// captures, so a later capture re-reads them (one pread) instead of opening them again.
//
// Owns: the open descriptors (close-on-exec, numbered from 1024 up so they never take the low
// numbers a host program or select() relies on), the budget (none at all unless RLIMIT_NOFILE
// leaves room above 1024; then at most half of that room), and closing the files of processes
// that are gone.
//
// Why: on the project's VM openat + close of a /proc file costs ~7 µs, the read ~7 µs; a job's
// two scans of 100 processes spend ~1.4 ms of their ~3.6 ms opening and closing. An open stat
// file stays bound to its process: after the process exits, reads fail (ESRCH) even if a new
// process gets the same pid, so a kept file never describes another process. Its owner, though,
// is the one seen when it was opened (the kernel refreshes it only on a new lookup), which is why
// only scans that do not report owners keep files open.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace runtimo::snapshot {

class StatFiles {
 public:
  StatFiles();
  ~StatFiles();  // closes every kept file
  StatFiles(const StatFiles &) = delete;
  StatFiles &operator=(const StatFiles &) = delete;

  // The kept descriptor of each of `pids` (sorted ascending), or -1; the files of processes no
  // longer among `pids` are closed. Everything taken must be given back with keep().
  std::vector<int> take(const std::vector<std::int64_t> &pids);
  // Keeps fds[i] (those ≥ 0) for pids[i] until the next take().
  void keep(const std::vector<std::int64_t> &pids, const std::vector<int> &fds);

  // A freshly opened `fd` to keep: moved to a number ≥ 1024 (the original closed) when the
  // budget allows, else -1 and `fd` is left to the caller. Thread-safe.
  int adopt(int fd);
  // Gives back a kept fd that turned out stale (its process is gone): closes it. Thread-safe.
  void drop(int fd);

 private:
  struct Kept {
    std::int64_t pid;
    int fd;
  };
  std::vector<Kept> kept_;  // sorted by pid
  std::atomic<std::size_t> budget_;   // how many may be open at once
  std::atomic<std::size_t> open_{0};  // how many are open (kept or taken)
};

}  // namespace runtimo::snapshot
