// spawn/proc_files.cpp — parsing of /proc/<pid>/{stat,cmdline,environ,cgroup} (see the header).
#include "spawn/proc_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "util/unique_fd.hpp"

namespace runtimo::spawn {

using util::UniqueFd;

std::optional<std::string> read_small_file(const std::string &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

std::vector<pid_t> list_pids() {
  std::vector<pid_t> pids;
  DIR *dir = ::opendir("/proc");
  if (!dir) return pids;
  while (const dirent *entry = ::readdir(dir)) {
    const char *name = entry->d_name;
    if (name[0] < '0' || name[0] > '9') continue;
    pid_t pid = 0;
    const auto end = name + std::char_traits<char>::length(name);
    if (auto [p, ec] = std::from_chars(name, end, pid); ec == std::errc() && p == end) {
      pids.push_back(pid);
    }
  }
  ::closedir(dir);
  return pids;
}

namespace {

std::string proc_path(pid_t pid, const char *file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

// "/proc/<pid>/<file>" into `out` without allocating: a scan reads one such file per process.
const char *proc_file_path(char (&out)[64], pid_t pid, const char *file) {
  char *p = out;
  for (const char c : std::string_view("/proc/")) *p++ = c;
  p = std::to_chars(p, out + 24, pid).ptr;
  *p++ = '/';
  for (const char *f = file; *f && p < out + sizeof out - 1; ++f) *p++ = *f;
  *p = '\0';
  return out;
}

}  // namespace

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  char path[64];
  UniqueFd fd(::open(proc_file_path(path, pid, "stat"), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  // One read: the line is far below the buffer (comm is at most 64 bytes, the rest numbers),
  // and a /proc seq file returns it whole.
  char buffer[2048];
  ssize_t n;
  do {
    n = ::read(fd.get(), buffer, sizeof buffer);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return std::nullopt;
  const std::string_view text(buffer, static_cast<std::size_t>(n));
  // "pid (comm) state ppid pgrp session ..." — comm may itself hold ") ", so split at the last.
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcStat stat;
  stat.pid = pid;
  stat.comm = text.substr(open + 1, close - open - 1);
  const char *p = text.data() + close + 1;
  const char *end = text.data() + text.size();
  // Fields after the comm, counted from 3 (state) as in proc(5); start time is field 22.
  std::uint64_t field_values[23] = {};
  for (int field = 3; field <= 22 && p < end; ++field) {
    while (p < end && *p == ' ') ++p;
    const char *word = p;
    while (p < end && *p != ' ') ++p;
    if (field == 3) {
      stat.state = word < p ? *word : '?';
      continue;
    }
    std::int64_t value = 0;
    std::from_chars(word, p, value);
    field_values[field] = static_cast<std::uint64_t>(value);
  }
  stat.ppid = static_cast<pid_t>(field_values[4]);
  stat.pgid = static_cast<pid_t>(field_values[5]);
  stat.sid = static_cast<pid_t>(field_values[6]);
  stat.start_ticks = field_values[22];
  return stat;
}

std::optional<std::vector<pid_t>> runtime_children() {
  // The children files exist only with CONFIG_PROC_CHILDREN; asked once.
  static const bool available = ::access("/proc/thread-self/children", R_OK) == 0;
  if (!available) return std::nullopt;
  DIR *dir = ::opendir("/proc/self/task");
  if (!dir) return std::nullopt;
  std::vector<pid_t> children;
  while (const dirent *entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    // A thread that just ended is gone with its file: its children moved to another thread.
    const auto text =
        read_small_file(std::string("/proc/self/task/") + entry->d_name + "/children");
    if (!text) continue;
    const char *p = text->data();
    const char *end = p + text->size();
    while (p < end) {
      while (p < end && *p == ' ') ++p;
      pid_t pid = 0;
      const auto [next, ec] = std::from_chars(p, end, pid);
      if (ec != std::errc()) break;
      children.push_back(pid);
      p = next;
    }
  }
  ::closedir(dir);
  return children;
}

std::string read_cmdline(pid_t pid) {
  auto text = read_small_file(proc_path(pid, "cmdline"));
  if (!text) return {};
  while (!text->empty() && text->back() == '\0') text->pop_back();
  for (char &c : *text) {
    if (c == '\0') c = ' ';
  }
  return *text;
}

std::optional<bool> environ_contains(pid_t pid, std::string_view entry) {
  const auto text = read_small_file(proc_path(pid, "environ"));
  if (!text) return std::nullopt;
  std::string_view rest(*text);
  while (!rest.empty()) {
    const auto nul = rest.find('\0');
    const std::string_view one = rest.substr(0, nul);
    if (one == entry) return true;
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return false;
}

std::optional<std::string> read_cgroup2_path(pid_t pid) {
  const auto text = read_small_file(proc_path(pid, "cgroup"));
  if (!text) return std::nullopt;
  std::string_view rest(*text);
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    if (line.substr(0, 3) == "0::") return std::string(line.substr(3));
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return std::string();
}

}  // namespace runtimo::spawn
