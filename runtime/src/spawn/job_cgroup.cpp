// spawn/job_cgroup.cpp — the cgroup v2 files JobCgroup reads and writes (see the header).
#include "spawn/job_cgroup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "spawn/proc_files.hpp"

namespace runtimo::spawn {

namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::uint64_t value = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return value;
}

// The value of `key` in a flat keyed file ("key value\n" lines: cgroup.events, cpu.stat).
std::optional<std::string_view> keyed_value(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ') {
      return line.substr(key.size() + 1);
    }
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<JobCgroup> JobCgroup::create(const std::filesystem::path &parent, std::string_view id,
                                           std::string &error) {
  JobCgroup cgroup = of_job(parent, id);
  if (::mkdir(cgroup.path_.c_str(), 0755) != 0) {
    error = "mkdir " + cgroup.path_.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return cgroup;
}

UniqueFd JobCgroup::open_directory() const {
  return UniqueFd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

std::vector<pid_t> JobCgroup::member_pids() const {
  std::vector<pid_t> pids;
  const auto text = read_small_file((path_ / "cgroup.procs").string());
  if (!text) return pids;
  std::string_view rest(*text);
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    if (const auto pid = parse_number(rest.substr(0, newline)); pid && *pid > 0) {
      pids.push_back(static_cast<pid_t>(*pid));
    }
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return pids;
}

bool JobCgroup::populated() const {
  const auto text = read_small_file((path_ / "cgroup.events").string());
  if (!text) return ::access(path_.c_str(), F_OK) == 0;  // gone (removed by gc): nothing in it
  const auto value = keyed_value(*text, "populated");
  return !value || *value != "0";
}

bool JobCgroup::kill_all() const {
  const int fd = ::open((path_ / "cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool written = ::write(fd, "1", 1) == 1;
  ::close(fd);
  return written;
}

std::optional<std::uint64_t> JobCgroup::memory_peak() const {
  const auto text = read_small_file((path_ / "memory.peak").string());
  if (!text) return std::nullopt;
  return parse_number(*text);
}

std::optional<std::uint64_t> JobCgroup::cpu_usage_usec() const {
  const auto text = read_small_file((path_ / "cpu.stat").string());
  if (!text) return std::nullopt;
  const auto value = keyed_value(*text, "usage_usec");
  if (!value) return std::nullopt;
  return parse_number(*value);
}

bool JobCgroup::remove() {
  // "populated 0" is reported as the last member exits; the kernel may take a moment more to
  // let the directory go (EBUSY), so retry a little before leaving it to the detached reaper.
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (::rmdir(path_.c_str()) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

}  // namespace runtimo::spawn
