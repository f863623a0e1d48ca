// snapshot/process_scan.cpp — ProcessSampler::capture: one pass over /proc.
//
// Per process: open "<pid>/stat" below the /proc directory fd, fstat that open file for the
// owner (every /proc/<pid>/* inode carries the process's owner, as the directory does), one
// read, close; then the command line through CmdlineReader — one process_vm_readv of the
// argument area whose addresses that stat line gave, or one bounded read of "<pid>/cmdline"
// where that is not allowed. An open stat file stays bound to its process: once the process has
// exited the read fails (ESRCH) rather than describing a newer process with the same pid. The
// command line is read separately, so in theory it could belong to a process that reused the
// pid in the microseconds between the two reads — that takes the pid counter wrapping round
// through every free pid in between, and is not guarded against. ENOENT/ESRCH anywhere means
// the process exited: it is skipped.
//
// Why not open /proc/<pid> as a directory first (as process_identity does for one pid):
// on the project's VM (nested virtualisation, ~3-4 µs per open/close of a /proc file) the
// extra open/close costs ~3 µs per process, a tenth of the scan.
#include "snapshot/process_snapshot.hpp"

#include "snapshot/proc_files.hpp"
#include "snapshot/process_cmdline.hpp"
#include "snapshot/pinned_thread.hpp"
#include "snapshot/process_identity.hpp"
#include "snapshot/system_stats.hpp"
#include "util/utf8.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <optional>
#include <cstdio>

namespace runtimo::snapshot {
namespace {

using Clock = std::chrono::steady_clock;

// A stat line is at most ~1.2 KiB (comm ≤ 64 bytes, 52 numeric fields).
constexpr std::size_t kStatBuffer = 2048;

class Dir {
 public:
  explicit Dir(const char *path) : dir_(::opendir(path)) {
    if (dir_ == nullptr)
      throw std::system_error(errno, std::generic_category(), std::string("opendir ") + path);
  }
  ~Dir() { ::closedir(dir_); }
  Dir(const Dir &) = delete;
  Dir &operator=(const Dir &) = delete;
  DIR *get() const { return dir_; }

 private:
  DIR *dir_;
};

bool pid_name(const char *name, std::int64_t *pid) {
  if (name[0] < '1' || name[0] > '9') return false;
  return parse_number(std::string_view(name), pid);
}

// Bytes that are not well-formed UTF-8 become '?', so the JSON stays valid.
void make_utf8(std::string *text) {
  if (util::is_valid_utf8(*text)) return;
  for (char &c : *text)
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
}

// cmdline: NUL-separated arguments, cut at `max` bytes.
std::string cmdline_text(std::string_view raw, bool maybe_cut) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  if (maybe_cut) raw = raw.substr(0, util::utf8_cut(raw, raw.size()));
  std::string out(raw);
  std::replace(out.begin(), out.end(), '\0', ' ');
  make_utf8(&out);
  return out;
}

double seconds_since_boot() {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

namespace {

// The pids among the entries of the open /proc directory, in directory order.
// Throws std::runtime_error when /proc cannot be read to its end: a census cut short would
// report every process it did not reach as exited.
std::vector<std::int64_t> read_pids(const Dir &proc, std::size_t expected) {
  std::vector<std::int64_t> pids;
  pids.reserve(expected);
  for (;;) {
    errno = 0;
    const dirent *entry = ::readdir(proc.get());
    if (entry == nullptr) break;
    std::int64_t pid = 0;
    if (pid_name(entry->d_name, &pid)) pids.push_back(pid);
  }
  if (errno != 0) throw std::runtime_error(std::string("cannot list /proc: ") + std::strerror(errno));
  return pids;
}

}  // namespace

std::vector<std::int64_t> list_pids() {
  std::vector<std::int64_t> pids = read_pids(Dir("/proc"), 512);
  std::sort(pids.begin(), pids.end());
  return pids;
}

namespace {

// What reading one process needs besides its pid.
struct ScanContext {
  int proc_fd = -1;
  bool owners = true;
  StatFiles *files = nullptr;       // when stat files are kept open between captures
  std::vector<int> *kept = nullptr;  // then: the kept fd of pids[i], or -1
  CmdlineReader *cmdline = nullptr;
  std::size_t cmdline_cap = 0;
  double boot_time = 0;
  double ticks_per_s = 100;
  std::uint64_t page_size = 4096;
};

// "<pid>/stat" of pids[i] into buf: through its kept file when there is one, else opened (and
// kept when the sampler keeps files), with fstat for the owner when asked. The length or -errno.
long read_stat(const ScanContext &ctx, std::size_t i, const char *path, char *buf, std::size_t cap,
               struct stat *owner) {
  if (ctx.files == nullptr) return read_once(ctx.proc_fd, path, buf, cap, ctx.owners ? owner : nullptr);
  int &fd = (*ctx.kept)[i];
  if (fd >= 0) {
    const long n = read_open(fd, buf, cap, /*rewind=*/true);
    if (n > 0) return n;
    ctx.files->drop(fd);  // its process is gone; the pid now names another one
    fd = -1;
  }
  const int opened = open_below(ctx.proc_fd, path);
  if (opened < 0) return -errno;
  const long n = read_open(opened, buf, cap);
  if (n > 0 && (fd = ctx.files->adopt(opened)) >= 0) return n;
  ::close(opened);
  return n;
}

// pids[i] from "<pid>/stat" (+ its command line); nullopt when it exited (ENOENT/ESRCH), is
// hidden from us (hidepid), or its stat cannot be parsed. User names are not resolved.
std::optional<ProcessInfo> read_process(const ScanContext &ctx, std::size_t i, std::int64_t pid,
                                        std::string &cmdline_buf) {
  char path[48];
  const int name_len = std::snprintf(path, sizeof path, "%lld", static_cast<long long>(pid));
  if (name_len <= 0 || static_cast<std::size_t>(name_len) + sizeof "/cmdline" > sizeof path)
    return std::nullopt;
  std::memcpy(path + name_len, "/stat", sizeof "/stat");
  char stat_buf[kStatBuffer];
  struct stat st {};
  const long len = read_stat(ctx, i, path, stat_buf, sizeof stat_buf, &st);
  std::optional<ProcStatFields> fields;
  if (len > 0) fields = parse_proc_stat_fields(std::string_view(stat_buf, len), ctx.cmdline != nullptr);
  if (!fields) return std::nullopt;
  ProcessInfo p;
  const rt_process_identity &id = fields->identity;
  p.pid = pid;
  p.ppid = id.ppid;
  p.uid = st.st_uid;
  p.comm = id.comm;
  make_utf8(&p.comm);
  p.state = id.state;
  p.kernel_thread = id.kernel_thread != 0;
  p.threads = fields->num_threads;
  p.rss_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(fields->rss_pages, 0)) * ctx.page_size;
  p.vsize_bytes = fields->vsize_bytes;
  p.cpu_time_ticks = fields->utime_ticks + fields->stime_ticks;
  p.start_time_ticks = id.start_time_ticks;
  p.start_time_unix = ctx.boot_time + static_cast<double>(id.start_time_ticks) / ctx.ticks_per_s;
  if (ctx.cmdline_cap > 0 && !p.kernel_thread && p.state != 'Z') {
    std::memcpy(path + name_len, "/cmdline", sizeof "/cmdline");
    const long n = ctx.cmdline->read(pid, fields->argument_area, path, cmdline_buf.data(),
                                     ctx.cmdline_cap);
    if (n > 0)
      p.cmdline = cmdline_text(std::string_view(cmdline_buf.data(), n),
                               static_cast<std::size_t>(n) == ctx.cmdline_cap);
  }
  return p;
}

// Pids handed out to the reading threads a few at a time, so both finish together (the low
// pids are mostly kernel threads, which cost half as much as a user process).
class PidQueue {
 public:
  explicit PidQueue(const std::vector<std::int64_t> &pids) : pids_(pids) {}
  // The next [begin, end) to read; begin == end when all are taken.
  std::pair<std::size_t, std::size_t> take() {
    const std::size_t begin = std::min(next_.fetch_add(kBatch, std::memory_order_relaxed), pids_.size());
    return {begin, std::min(begin + kBatch, pids_.size())};
  }
  std::int64_t operator[](std::size_t i) const { return pids_[i]; }

 private:
  static constexpr std::size_t kBatch = 16;
  const std::vector<std::int64_t> &pids_;
  std::atomic<std::size_t> next_{0};
};

// Reads pids from `queue` into `out` until none are left.
void read_queue(const ScanContext &ctx, PidQueue &queue, std::vector<ProcessInfo> &out) {
  std::string cmdline_buf(ctx.cmdline_cap, '\0');
  for (auto [begin, end] = queue.take(); begin < end; std::tie(begin, end) = queue.take())
    for (std::size_t i = begin; i < end; ++i)
      if (auto p = read_process(ctx, i, queue[i], cmdline_buf)) out.push_back(std::move(*p));
}

// Below this many processes a second thread costs more than it saves.
constexpr std::size_t kMinPerThread = 64;

}  // namespace

ProcessSnapshot ProcessSampler::capture(const ProcessSnapshotOptions &options) {
  std::lock_guard lock(mutex_);
  const Clock::time_point start = Clock::now();
  ProcessSnapshot snap;
  snap.ts =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  static const long clk_tck = ::sysconf(_SC_CLK_TCK);
  static const long page_size = ::sysconf(_SC_PAGESIZE);
  if (!boot_time_) boot_time_ = read_boot_time(buffer_);

  ScanContext ctx;
  ctx.cmdline_cap = options.cmdline ? options.cmdline_max : 0;
  ctx.boot_time = boot_time_ ? static_cast<double>(*boot_time_) : 0.0;
  ctx.ticks_per_s = clk_tck > 0 ? static_cast<double>(clk_tck) : 100.0;
  ctx.page_size = page_size > 0 ? static_cast<std::uint64_t>(page_size) : 4096;
  {
    Dir proc("/proc");
    ctx.proc_fd = ::dirfd(proc.get());
    std::vector<std::int64_t> pids = read_pids(proc, previous_.size() + 64);
    std::sort(pids.begin(), pids.end());  // /proc lists them ascending already
    ctx.owners = options.owners;
    std::vector<int> kept;
    if (options.keep_open && !options.owners) {
      kept = stat_files_.take(pids);
      ctx.files = &stat_files_;
      ctx.kept = &kept;
    }
    // Whatever happens below, the files taken are kept (or closed) for the next capture.
    const struct GiveBack {
      StatFiles *files;
      const std::vector<std::int64_t> &pids;
      const std::vector<int> &fds;
      ~GiveBack() {
        if (files != nullptr) files->keep(pids, fds);
      }
    } give_back{ctx.files, pids, kept};
    std::optional<CmdlineReader> cmdline;
    if (ctx.cmdline_cap > 0) ctx.cmdline = &cmdline.emplace(ctx.proc_fd);
    PidQueue queue(pids);
    snap.processes.reserve(pids.size());
    // The reads are kernel work that runs in parallel on another core: with enough processes,
    // a second thread on another CPU takes its share of the pids (opt-in: a job's own snapshots
    // stay on the calling thread, so a job never starts a thread).
    if (options.threads > 1 && pids.size() >= 2 * kMinPerThread) {
      std::vector<ProcessInfo> helper_read;
      helper_read.reserve(pids.size());
      {
        // Joined at the end of this block, also if the reading below throws.
        const PinnedThread helper([&] { read_queue(ctx, queue, helper_read); });
        read_queue(ctx, queue, snap.processes);
      }
      snap.processes.insert(snap.processes.end(), std::make_move_iterator(helper_read.begin()),
                            std::make_move_iterator(helper_read.end()));
    } else {
      read_queue(ctx, queue, snap.processes);
    }
  }
  if (options.users && options.owners)
    for (ProcessInfo &p : snap.processes) p.user = users_.name(p.uid);
  std::sort(snap.processes.begin(), snap.processes.end(),
            [](const ProcessInfo &a, const ProcessInfo &b) { return a.pid < b.pid; });

  // CPU % against the previous capture, matching (pid, start time) in two sorted lists.
  const double ticks_per_s = ctx.ticks_per_s;
  const Clock::time_point now = Clock::now();
  std::vector<CpuMark> marks;
  marks.reserve(snap.processes.size());
  if (previous_at_) {
    const double interval_s = std::chrono::duration<double>(now - *previous_at_).count();
    snap.interval_ms = interval_s * 1000.0;
    const double since_boot = seconds_since_boot();
    auto prev = previous_.begin();
    for (ProcessInfo &p : snap.processes) {
      while (prev != previous_.end() && prev->pid < p.pid) ++prev;
      double used_ticks = -1, over_s = 0;
      if (prev != previous_.end() && prev->pid == p.pid &&
          prev->start_time_ticks == p.start_time_ticks) {
        used_ticks = static_cast<double>(p.cpu_time_ticks -
                                         std::min(p.cpu_time_ticks, prev->cpu_time_ticks));
        over_s = interval_s;
      } else {
        // Started after the previous capture: its whole life lies inside the interval.
        used_ticks = static_cast<double>(p.cpu_time_ticks);
        // At least one tick, the resolution of the counters.
        over_s = std::clamp(since_boot - static_cast<double>(p.start_time_ticks) / ticks_per_s,
                            1.0 / ticks_per_s, std::max(interval_s, 1.0 / ticks_per_s));
      }
      if (over_s > 0) p.cpu_pct = used_ticks / ticks_per_s / over_s * 100.0;
    }
  }
  for (const ProcessInfo &p : snap.processes)
    marks.push_back(CpuMark{p.pid, p.start_time_ticks, p.cpu_time_ticks});
  previous_ = std::move(marks);
  previous_at_ = now;
  snap.cost_us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
  return snap;
}

}  // namespace runtimo::snapshot
