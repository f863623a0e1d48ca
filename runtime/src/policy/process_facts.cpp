// policy/process_facts.cpp — see process_facts.hpp. Reads are small, into stack buffers.
#include "policy/process_facts.hpp"

#include "snapshot/proc_files.hpp"
#include "snapshot/process_identity.hpp"

#include <fcntl.h>

namespace runtimo::policy {
namespace {

// Reads /proc/<pid>/<name> into buf (at most cap bytes); the length, or nullopt on error.
std::optional<std::size_t> read_proc_file(std::int64_t pid, const char *name, char *buf,
                                          std::size_t cap) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  const long len = snapshot::read_small(AT_FDCWD, path.c_str(), buf, cap);
  if (len < 0) return std::nullopt;
  return static_cast<std::size_t>(len);
}

}  // namespace

std::optional<std::int64_t> read_parent(std::int64_t pid) {
  const rt_process_identity id = snapshot::read_process_identity(pid);
  if (!id.exists) return std::nullopt;
  return id.ppid;
}

std::optional<ProcessFacts> read_process_facts(std::int64_t pid) {
  const rt_process_identity id = snapshot::read_process_identity(pid);
  if (!id.exists) return std::nullopt;
  ProcessFacts facts;
  facts.ppid = id.ppid;
  facts.kernel_thread = id.kernel_thread != 0;

  // The thread-group id: /proc/<tid> exists for every thread, and a signal to a thread id
  // reaches its whole process.
  facts.tgid = pid;
  char buf[4096];
  if (const auto status_len = read_proc_file(pid, "status", buf, sizeof buf)) {
    const std::string_view status(buf, *status_len);
    const std::size_t at = status.find("\nTgid:");
    if (at != std::string_view::npos) {
      std::size_t pos = at + 6;
      const std::string_view value = snapshot::next_field(status, &pos);
      std::int64_t tgid = 0;
      if (snapshot::parse_number(value, &tgid) && tgid > 0) facts.tgid = tgid;
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
