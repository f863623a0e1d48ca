// snapshot/process_identity.cpp — one process's identity from /proc/<pid>/stat, without
// scanning /proc and without iostreams: open the /proc/<pid> directory once, take the owner
// from that directory and read "stat" through it, so both describe the same process even if
// the pid is reused meanwhile (a stale directory fd yields ESRCH, never another process).
#include "snapshot/process_identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
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
constexpr std::size_t kStartTimeField = 22;

template <class T>
bool parse_number(std::string_view text, T *out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// The space-separated field starting at `pos`, which is advanced past it.
std::string_view next_field(std::string_view text, std::size_t *pos) {
  while (*pos < text.size() && text[*pos] == ' ') ++*pos;
  const std::size_t start = *pos;
  while (*pos < text.size() && text[*pos] != ' ' && text[*pos] != '\n') ++*pos;
  return text.substr(start, *pos - start);
}

bool gone(int err) { return err == ENOENT || err == ESRCH; }

rt_process_identity absent(std::int64_t pid) {
  rt_process_identity id{};
  id.struct_size = sizeof id;
  id.exists = 0;
  id.pid = pid;
  return id;
}

// Reads the whole (small) file `name` below `dir_fd` into buf; returns its length or -errno.
long read_small(int dir_fd, const char *name, char *buf, std::size_t cap) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return -errno;
  std::size_t got = 0;
  while (got < cap) {
    const ssize_t n = ::read(fd, buf + got, cap - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return -err;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return static_cast<long>(got);
}

}  // namespace

std::optional<rt_process_identity> parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so it runs from the
  // first "(" to the last ")".
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
      open < 2 || text[open - 1] != ' ')
    return std::nullopt;

  rt_process_identity id{};
  id.struct_size = sizeof id;
  id.exists = 1;
  if (!parse_number(text.substr(0, open - 1), &id.pid) || id.pid <= 0) return std::nullopt;

  const std::string_view comm = text.substr(open + 1, close - open - 1);
  const std::size_t n = std::min(comm.size(), sizeof id.comm - 1);
  std::memcpy(id.comm, comm.data(), n);
  id.comm[n] = '\0';

  std::size_t pos = close + 1;
  std::uint32_t flags = 0;
  bool have_start = false;
  for (std::size_t field = kAfterComm; field <= kStartTimeField; ++field) {
    const std::string_view f = next_field(text, &pos);
    if (f.empty()) return std::nullopt;
    if (field == kAfterComm) {
      if (f.size() != 1) return std::nullopt;
      id.state = f[0];
    } else if (field == kPpidField) {
      if (!parse_number(f, &id.ppid)) return std::nullopt;
    } else if (field == kFlagsField) {
      if (!parse_number(f, &flags)) return std::nullopt;
    } else if (field == kStartTimeField) {
      have_start = parse_number(f, &id.start_time_ticks);
    }
  }
  if (!have_start) return std::nullopt;
  id.kernel_thread = (flags & kPfKthread) != 0 ? 1 : 0;
  return id;
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
    if (gone(errno)) return absent(pid);
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
  if (len < 0 && gone(static_cast<int>(-len))) return absent(pid);

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
