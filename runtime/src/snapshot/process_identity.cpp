// snapshot/process_identity.cpp — one process's identity from /proc/<pid>/stat, without
// scanning /proc and without iostreams: open the /proc/<pid> directory once, take the owner
// from that directory and read "stat" through it, so both describe the same process even if
// the pid is reused meanwhile (a stale directory fd yields ESRCH, never another process).
#include "snapshot/process_identity.hpp"

#include "snapshot/proc_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

namespace runtimo::snapshot {
namespace {

constexpr std::uint32_t kPfKthread = 0x00200000;  // PF_KTHREAD in include/linux/sched.h

// Field N (1-based, as in proc(5)) of /proc/<pid>/stat is field N-3 after the ")" that ends
// comm: the state letter is field 3.
constexpr std::size_t kAfterComm = 3;
constexpr std::size_t kPpidField = 4;
constexpr std::size_t kFlagsField = 9;
constexpr std::size_t kUtimeField = 14;
constexpr std::size_t kStimeField = 15;
constexpr std::size_t kThreadsField = 20;
constexpr std::size_t kStartTimeField = 22;
constexpr std::size_t kVsizeField = 23;
constexpr std::size_t kRssField = 24;
constexpr std::size_t kArgStartField = 48;  // 48-51 since Linux 3.5
constexpr std::size_t kArgEndField = 49;
constexpr std::size_t kEnvStartField = 50;
constexpr std::size_t kEnvEndField = 51;

rt_process_identity absent(std::int64_t pid) {
  rt_process_identity id{};
  id.struct_size = sizeof id;
  id.exists = 0;
  id.pid = pid;
  return id;
}

// The one stat parser: reads fields up to `last_field` (kStartTimeField for the identity,
// kEnvEndField for the snapshot) into *out; false when malformed or shorter than
// min(last_field, kRssField) fields (the fields after rss are newer than some kernels).
bool parse_stat_line(std::string_view text, std::size_t last_field, ProcStatFields *out) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so it runs from the
  // first "(" to the last ")".
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
      open < 2 || text[open - 1] != ' ')
    return false;

  rt_process_identity &id = out->identity;
  id = rt_process_identity{};
  id.struct_size = sizeof id;
  id.exists = 1;
  if (!parse_number(text.substr(0, open - 1), &id.pid) || id.pid <= 0) return false;

  const std::string_view comm = text.substr(open + 1, close - open - 1);
  const std::size_t n = std::min(comm.size(), sizeof id.comm - 1);
  std::memcpy(id.comm, comm.data(), n);
  id.comm[n] = '\0';

  std::size_t pos = close + 1;
  std::uint32_t flags = 0;
  bool ok = true;
  for (std::size_t field = kAfterComm; field <= last_field && ok; ++field) {
    const std::string_view f = next_field(text, &pos);
    if (f.empty()) {
      if (field > kRssField) break;
      return false;
    }
    switch (field) {
      case kAfterComm:
        ok = f.size() == 1;
        id.state = f[0];
        break;
      case kPpidField:
        ok = parse_number(f, &id.ppid);
        break;
      case kFlagsField:
        ok = parse_number(f, &flags);
        break;
      case kUtimeField:
        ok = parse_number(f, &out->utime_ticks);
        break;
      case kStimeField:
        ok = parse_number(f, &out->stime_ticks);
        break;
      case kThreadsField:
        ok = parse_number(f, &out->num_threads);
        break;
      case kStartTimeField:
        ok = parse_number(f, &id.start_time_ticks);
        break;
      case kVsizeField:
        ok = parse_number(f, &out->vsize_bytes);
        break;
      case kRssField:
        ok = parse_number(f, &out->rss_pages);
        break;
      case kArgStartField:
        ok = parse_number(f, &out->argument_area.arg_start);
        break;
      case kArgEndField:
        ok = parse_number(f, &out->argument_area.arg_end);
        break;
      case kEnvStartField:
        ok = parse_number(f, &out->argument_area.env_start);
        break;
      case kEnvEndField:
        ok = parse_number(f, &out->argument_area.env_end);
        break;
      default:
        break;
    }
  }
  if (!ok) return false;
  id.kernel_thread = (flags & kPfKthread) != 0 ? 1 : 0;
  return true;
}

}  // namespace

std::optional<rt_process_identity> parse_proc_stat(std::string_view text) {
  ProcStatFields fields;
  if (!parse_stat_line(text, kStartTimeField, &fields)) return std::nullopt;
  return fields.identity;
}

std::optional<ProcStatFields> parse_proc_stat_fields(std::string_view text, bool argument_area) {
  ProcStatFields fields;
  if (!parse_stat_line(text, argument_area ? kEnvEndField : kRssField, &fields)) return std::nullopt;
  return fields;
}

rt_process_identity read_process_identity(std::int64_t pid) {
  if (pid <= 0 || pid > INT32_MAX) return absent(pid);

  char dir[32];
  const auto [end, ec] = std::to_chars(dir, dir + sizeof dir - 1, pid);
  (void)ec;  // 32 bytes always hold "/proc/" and an int32
  *end = '\0';
  std::string path = "/proc/";
  path += dir;

  const int dir_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    if (process_gone(errno)) return absent(pid);
    // /proc/<pid> exists but cannot be opened (e.g. hidepid): the process exists, nothing
    // else is known.
    rt_process_identity id = absent(pid);
    id.exists = 1;
    id.state = '?';
    return id;
  }

  struct stat st {};
  const bool have_owner = ::fstat(dir_fd, &st) == 0;

  char buf[4096];  // a stat line is well below 1 KiB; comm is at most 64 bytes
  const long len = read_small(dir_fd, "stat", buf, sizeof buf);
  ::close(dir_fd);
  if (len < 0 && process_gone(static_cast<int>(-len))) return absent(pid);

  std::optional<rt_process_identity> parsed;
  if (len > 0) parsed = parse_proc_stat(std::string_view(buf, static_cast<std::size_t>(len)));
  if (!parsed) {
    rt_process_identity id = absent(pid);
    id.exists = 1;
    id.state = '?';
    if (have_owner) id.uid = st.st_uid;
    return id;
  }
  parsed->pid = pid;
  if (have_owner) parsed->uid = st.st_uid;
  return *parsed;
}

}  // namespace runtimo::snapshot
