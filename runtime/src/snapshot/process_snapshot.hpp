// snapshot/process_snapshot.hpp — the process layer of the snapshot provider (DESIGN §5):
// every process on the machine read from /proc (no `ps`, no subprocess), a summary, and the
// delta between two snapshots (which processes a job started and which ended).
//
// Owns: the scan (opendir /proc; per pid one read of "stat", parsed by the same parser as
// process_identity, with fstat of the open file for the owner, and the command line through
// CmdlineReader — never "status", never "smaps"), the CPU % over the interval between two
// captures of one sampler, and the JSON shapes below. Nothing is cached between captures
// except user names, the previous CPU times and — for scans that ask — open stat files (which
// are re-read, never reused as data). A process that exits during the scan is
// skipped, never an error.
//
// The owner is the owner of /proc/<pid>, which is the effective uid — except for processes
// that made themselves non-dumpable (setuid programs, prctl PR_SET_DUMPABLE 0), whose /proc
// directory the kernel gives to root. This is the same source `ps` uses for its user column
// when it does not read "status".
//
// ProcessSnapshot::to_json(true):
//   {"ts":1795836653.25,"cost_us":2140,"interval_ms":1002.1,
//    "summary":{"total":412,"by_state":{"S":398,"R":3,"I":10,"Z":1},"zombies":1,
//               "threads":1203,"kernel_threads":96,
//               "top_cpu":[{"pid":812,"comm":"cc1plus","cpu_pct":98.0,"cpu_time_s":12.3},…],
//               "top_rss":[{"pid":412,"comm":"java","rss_bytes":812345344},…]},
//    "processes":[{"pid":1,"ppid":0,"uid":0,"user":"root","state":"S","comm":"systemd",
//                  "cmdline":"/sbin/init","threads":1,"rss_bytes":12582912,
//                  "vsize_bytes":171446272,"cpu_time_ticks":310,"cpu_time_s":3.1,
//                  "start_time_ticks":5,"start_time_unix":1795836653.05,"cpu_pct":0.0,
//                  "kernel_thread":false},…]}
//
// ProcessDelta::to_json():
//   {"appeared":[{"pid":9123,"ppid":9100,"comm":"sleep"}],"exited":[{"pid":9001,"ppid":1,
//    "comm":"make"}],"appeared_count":1,"exited_count":1}
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "snapshot/stat_files.hpp"
#include "snapshot/user_names.hpp"

namespace runtimo::snapshot {

struct ProcessInfo {
  std::int64_t pid = 0;
  std::int64_t ppid = 0;
  std::uint32_t uid = 0;
  std::string user;     // empty when ProcessSnapshotOptions::users is off
  std::string comm;     // field 2 of stat (at most 15 bytes for user processes)
  std::string cmdline;  // arguments joined by spaces, at most cmdline_max bytes; empty for
                        // kernel threads and zombies
  char state = '?';     // R S D Z T t X I …
  std::int64_t threads = 0;
  std::uint64_t rss_bytes = 0;
  std::uint64_t vsize_bytes = 0;
  std::uint64_t cpu_time_ticks = 0;    // utime + stime, in clock ticks (sysconf _SC_CLK_TCK)
  std::uint64_t start_time_ticks = 0;  // clock ticks after boot; with pid, the identity
  double start_time_unix = 0;          // btime of /proc/stat + start_time_ticks / CLK_TCK
  // CPU use over the interval since the sampler's previous capture, 100 = one core; for a
  // process that started after that capture, over its lifetime. −1 on a sampler's first
  // capture (no previous sample; the capture never sleeps to make one).
  double cpu_pct = -1;
  bool kernel_thread = false;
};

struct ProcessSnapshotOptions {
  bool cmdline = true;
  std::size_t cmdline_max = 256;  // bytes, cut at a UTF-8 character boundary
  bool users = true;              // resolve user names (getpwuid_r, cached per sampler)
  // The owner (uid) of each process, from fstat of its stat file; off: uid 0, no fstat (and no
  // users).
  bool owners = true;
  // With owners off: keep each stat file open until the sampler's next capture, which re-reads
  // it instead of opening it again (StatFiles: about half the cost of a scan; one descriptor per
  // process, numbered from 1024 up, only when RLIMIT_NOFILE leaves room). A job's scans do.
  bool keep_open = false;
  // Up to this many threads read /proc (at most 2: the second pinned to another CPU, and only
  // with ≥ 128 processes). A job's own snapshots keep 1, so running a job never starts a
  // thread.
  std::size_t threads = 1;

  // What a job's before/after scans read: stat only (summary and delta need no command line,
  // owner or user name), on the calling thread, the stat files kept open from one scan to the
  // next.
  static ProcessSnapshotOptions stat_only_kept() {
    ProcessSnapshotOptions o;
    o.cmdline = false;
    o.users = false;
    o.owners = false;
    o.keep_open = true;
    return o;
  }
};

struct ProcessSnapshot {
  double ts = 0;                       // capture time, seconds since the epoch
  std::uint64_t cost_us = 0;           // what the capture itself cost
  double interval_ms = -1;             // since the sampler's previous capture; −1 on the first
  std::vector<ProcessInfo> processes;  // sorted by pid

  // {total, by_state, zombies, threads, kernel_threads, top_cpu[5], top_rss[5]}. top_cpu is
  // ordered by cpu_pct, then by cpu time (so on a first capture, by cpu time).
  boost::json::object summary() const;
  // {ts, cost_us, interval_ms, summary[, processes]}.
  boost::json::object to_json(bool with_processes) const;
};

// One process as in ProcessSnapshot::to_json.
boost::json::object to_json(const ProcessInfo &process);

class ProcessSampler {
 public:
  // A fresh scan of /proc. Thread-safe; captures are serialised. Throws std::system_error
  // only when /proc itself cannot be opened.
  ProcessSnapshot capture(const ProcessSnapshotOptions &options = {});

 private:
  struct CpuMark {
    std::int64_t pid;
    std::uint64_t start_time_ticks;
    std::uint64_t cpu_time_ticks;
  };

  std::mutex mutex_;
  std::vector<CpuMark> previous_;  // sorted by pid
  std::optional<std::chrono::steady_clock::time_point> previous_at_;
  std::optional<std::int64_t> boot_time_;
  UserNames users_;
  StatFiles stat_files_;
  std::string buffer_;
};

struct ProcessDelta {
  std::vector<ProcessInfo> appeared;  // in `after` and not in `before`, by pid
  std::vector<ProcessInfo> exited;    // in `before` and not in `after`, by pid
  // {appeared:[{pid,ppid,comm}], exited:[…], appeared_count, exited_count} (ppid and comm
  // left out for an entry with an empty comm: a process known by its pid only); each list holds
  // at most max_listed entries ("truncated": true when cut), the counts are always complete.
  boost::json::object to_json(std::size_t max_listed = 200) const;
};

// The pids in /proc right now, sorted: one readdir, nothing read per process (the cheap
// process census of the summary snapshot mode). Throws std::system_error when /proc cannot be
// opened.
std::vector<std::int64_t> list_pids();

// A process is identified by (pid, start_time_ticks): a pid reused between the snapshots
// counts as one exited and one appeared process. A process that was running before and is a
// zombie after has ended (only its parent has not reaped it yet): it counts as exited, listed
// with "zombie": true.
ProcessDelta diff(const ProcessSnapshot &before, const ProcessSnapshot &after);

}  // namespace runtimo::snapshot
