// policy/process_facts.cpp — see process_facts.hpp. Reads are small, into stack buffers.
#include "policy/process_facts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace runtimo::policy {
namespace {

constexpr std::uint32_t kPfKthread = 0x00200000;  // PF_KTHREAD in include/linux/sched.h

// Reads /proc/<pid>/<name> into buf (at most cap bytes); the length, or nullopt on error.
std::optional<std::size_t> read_proc_file(std::int64_t pid, const char *name, char *buf,
                                          std::size_t cap) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  std::size_t got = 0;
  while (got < cap) {
    const ssize_t n = ::read(fd, buf + got, cap - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return got;
}

template <class T>
bool parse_number(std::string_view text, T *out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc{} && end != text.data();
}

// Field `index` (0 = state, the field after comm) of a /proc/<pid>/stat line.
std::string_view stat_field(std::string_view stat, int index) {
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return {};
  std::size_t pos = close + 1;
  for (int i = 0;; ++i) {
    while (pos < stat.size() && stat[pos] == ' ') ++pos;
    const std::size_t start = pos;
    while (pos < stat.size() && stat[pos] != ' ' && stat[pos] != '\n') ++pos;
    if (start == pos) return {};
    if (i == index) return stat.substr(start, pos - start);
  }
}

constexpr int kPpidIndex = 1;   // field 4
constexpr int kFlagsIndex = 6;  // field 9

}  // namespace

std::optional<std::int64_t> read_parent(std::int64_t pid) {
  char buf[4096];
  const auto len = read_proc_file(pid, "stat", buf, sizeof buf);
  if (!len) return std::nullopt;
  std::int64_t ppid = 0;
  if (!parse_number(stat_field(std::string_view(buf, *len), kPpidIndex), &ppid))
    return std::nullopt;
  return ppid;
}

std::optional<ProcessFacts> read_process_facts(std::int64_t pid) {
  char buf[4096];
  const auto len = read_proc_file(pid, "stat", buf, sizeof buf);
  if (!len) return std::nullopt;
  const std::string_view stat(buf, *len);
  ProcessFacts facts;
  std::uint32_t flags = 0;
  if (!parse_number(stat_field(stat, kPpidIndex), &facts.ppid) ||
      !parse_number(stat_field(stat, kFlagsIndex), &flags))
    return std::nullopt;
  facts.kernel_thread = (flags & kPfKthread) != 0;

  // The thread-group id: /proc/<tid> exists for every thread, and a signal to a thread id
  // reaches its whole process.
  facts.tgid = pid;
  const auto status_len = read_proc_file(pid, "status", buf, sizeof buf);
  if (status_len) {
    const std::string_view status(buf, *status_len);
    const std::size_t at = status.find("\nTgid:");
    if (at != std::string_view::npos) {
      std::size_t pos = at + 6;
      while (pos < status.size() && (status[pos] == ' ' || status[pos] == '\t')) ++pos;
      std::int64_t tgid = 0;
      if (parse_number(status.substr(pos), &tgid) && tgid > 0) facts.tgid = tgid;
    }
  }
  return facts;
}

std::optional<std::string> read_cgroup(std::int64_t pid) {
  char buf[8192];
  const auto len = read_proc_file(pid, "cgroup", buf, sizeof buf);
  if (!len) return std::nullopt;
  return std::string(buf, *len);
}

bool cgroup_has_unit(std::string_view cgroup_text, const std::vector<std::string> &units) {
  std::size_t line_start = 0;
  while (line_start < cgroup_text.size()) {
    std::size_t line_end = cgroup_text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = cgroup_text.size();
    const std::string_view line = cgroup_text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;

    // "id:controllers:path" — the path is everything after the second ':'.
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string_view path = line.substr(second + 1);

    std::size_t pos = 0;
    while (pos < path.size()) {
      std::size_t slash = path.find('/', pos);
      if (slash == std::string_view::npos) slash = path.size();
      const std::string_view component = path.substr(pos, slash - pos);
      for (const std::string &unit : units)
        if (!component.empty() && component == unit) return true;
      pos = slash + 1;
    }
  }
  return false;
}

}  // namespace runtimo::policy
