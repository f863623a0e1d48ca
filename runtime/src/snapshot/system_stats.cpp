// snapshot/system_stats.cpp — parsers and readers for the machine-wide /proc files.
#include "snapshot/system_stats.hpp"

#include "snapshot/proc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace runtimo::snapshot {
namespace {

// The value of "Key:   1234 kB" lines, in bytes.
bool meminfo_value(std::string_view line, std::string_view key, std::uint64_t *bytes) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
    return false;
  std::size_t pos = key.size() + 1;
  const std::string_view number = next_field(line, &pos);
  const std::string_view unit = next_field(line, &pos);
  std::uint64_t value = 0;
  if (!parse_number(number, &value)) return false;
  *bytes = unit == "kB" ? value * 1024 : value;
  return true;
}

// Reads a small /proc file into buf; the text or nullopt.
std::optional<std::string_view> read_into(const char *path, char *buf, std::size_t cap) {
  const long n = read_small(AT_FDCWD, path, buf, cap);
  if (n <= 0) return std::nullopt;
  return std::string_view(buf, static_cast<std::size_t>(n));
}

// A machine-wide /proc file every job reads twice (the pressure the guard and the snapshots
// take), kept open from its first reading and re-read with one pread(2) at offset 0 — the
// kernel regenerates it — instead of open, read, read to end of file and close. In a process
// forked since (a worker), whose descriptors are not the opener's, it is read by path.
class KeptFile {
 public:
  explicit KeptFile(const char *path) : path_(path), fd_(open_below(AT_FDCWD, path)), opener_(::getpid()) {}
  KeptFile(const KeptFile &) = delete;
  KeptFile &operator=(const KeptFile &) = delete;

  std::optional<std::string_view> read(char *buf, std::size_t cap) const {
    if (fd_ < 0 || ::getpid() != opener_) return read_into(path_, buf, cap);
    const long n = read_open(fd_, buf, cap, true);
    // A file as long as the buffer may be longer: read it whole as read_into does.
    if (n <= 0 || static_cast<std::size_t>(n) >= cap) return read_into(path_, buf, cap);
    return std::string_view(buf, static_cast<std::size_t>(n));
  }

 private:
  const char *path_;
  int fd_;
  pid_t opener_;
};

}  // namespace

std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat) {
  std::size_t pos = 0;
  const auto line = next_line(proc_stat, &pos);
  if (!line || line->substr(0, 4) != "cpu ") return std::nullopt;
  std::size_t fpos = 3;
  // user nice system idle iowait irq softirq steal guest guest_nice
  std::uint64_t v[8] = {};
  int count = 0;
  for (; count < 8; ++count) {
    const std::string_view f = next_field(*line, &fpos);
    if (f.empty()) break;
    if (!parse_number(f, &v[count])) return std::nullopt;
  }
  if (count < 4) return std::nullopt;
  CpuTimes t;
  for (int i = 0; i < count; ++i) t.total += v[i];
  t.busy = t.total - v[3] - v[4];
  return t;
}

std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat) {
  std::size_t pos = 0;
  while (const auto line = next_line(proc_stat, &pos)) {
    if (line->substr(0, 6) != "btime ") continue;
    std::size_t fpos = 6;
    std::int64_t btime = 0;
    if (parse_number(next_field(*line, &fpos), &btime)) return btime;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<MemInfo> parse_meminfo(std::string_view text) {
  MemInfo m;
  std::uint64_t free = 0, buffers = 0, cached = 0;
  bool have_total = false, have_free = false;
  std::size_t pos = 0;
  while (const auto line = next_line(text, &pos)) {
    if (meminfo_value(*line, "MemTotal", &m.total)) {
      have_total = true;
    } else if (meminfo_value(*line, "MemAvailable", &m.available)) {
      m.has_available = true;
    } else if (meminfo_value(*line, "MemFree", &free)) {
      have_free = true;
    } else if (meminfo_value(*line, "Buffers", &buffers) ||
               meminfo_value(*line, "Cached", &cached) ||
               meminfo_value(*line, "SwapTotal", &m.swap_total) ||
               meminfo_value(*line, "SwapFree", &m.swap_free)) {
    }
  }
  if (!have_total || (!m.has_available && !have_free)) return std::nullopt;
  if (!m.has_available) m.available = free + buffers + cached;
  return m;
}

std::optional<LoadAvg> parse_loadavg(std::string_view text) {
  LoadAvg l;
  std::size_t pos = 0;
  if (!parse_number(next_field(text, &pos), &l.load1) ||
      !parse_number(next_field(text, &pos), &l.load5) ||
      !parse_number(next_field(text, &pos), &l.load15))
    return std::nullopt;
  const std::string_view tasks = next_field(text, &pos);
  const std::size_t slash = tasks.find('/');
  if (slash != std::string_view::npos) {
    if (!parse_number(tasks.substr(0, slash), &l.running) ||
        !parse_number(tasks.substr(slash + 1), &l.total))
      l.running = l.total = 0;
  }
  return l;
}

std::optional<Psi> parse_psi(std::string_view text) {
  Psi psi;
  std::size_t pos = 0;
  while (const auto line = next_line(text, &pos)) {
    std::size_t fpos = 0;
    const std::string_view kind = next_field(*line, &fpos);
    if (kind != "some" && kind != "full") continue;
    PsiLine p;
    int seen = 0;
    for (std::string_view f = next_field(*line, &fpos); !f.empty(); f = next_field(*line, &fpos)) {
      const std::size_t eq = f.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = f.substr(0, eq), value = f.substr(eq + 1);
      if (key == "avg10")
        seen += parse_number(value, &p.avg10);
      else if (key == "avg60")
        seen += parse_number(value, &p.avg60);
      else if (key == "avg300")
        seen += parse_number(value, &p.avg300);
      else if (key == "total")
        seen += parse_number(value, &p.total_us);
    }
    if (seen != 4) return std::nullopt;
    (kind == "some" ? psi.some : psi.full) = p;
  }
  if (!psi.some) return std::nullopt;
  return psi;
}

std::optional<double> parse_uptime(std::string_view text) {
  std::size_t pos = 0;
  double up = 0;
  if (!parse_number(next_field(text, &pos), &up)) return std::nullopt;
  return up;
}

std::optional<CpuTimes> read_cpu_times() {
  // The "cpu " line comes first; one read of the start of the file is enough.
  char buf[1024];
  const long n = read_once(AT_FDCWD, "/proc/stat", buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  return parse_cpu_times(std::string_view(buf, static_cast<std::size_t>(n)));
}

std::optional<MemInfo> read_meminfo() {
  char buf[8192];  // ~1.5 KiB on current kernels
  static const KeptFile meminfo("/proc/meminfo");
  const auto text = meminfo.read(buf, sizeof buf);
  return text ? parse_meminfo(*text) : std::nullopt;
}

std::optional<LoadAvg> read_loadavg() {
  char buf[256];
  static const KeptFile loadavg("/proc/loadavg");
  const auto text = loadavg.read(buf, sizeof buf);
  return text ? parse_loadavg(*text) : std::nullopt;
}

std::optional<Psi> read_psi(const char *resource) {
  static const KeptFile memory("/proc/pressure/memory"), cpu("/proc/pressure/cpu"), io("/proc/pressure/io");
  const std::string_view r(resource);
  const KeptFile *kept = r == "memory" ? &memory : r == "cpu" ? &cpu : r == "io" ? &io : nullptr;
  char path[64];
  std::snprintf(path, sizeof path, "/proc/pressure/%s", resource);
  char buf[512];
  const auto text = kept != nullptr ? kept->read(buf, sizeof buf) : read_into(path, buf, sizeof buf);
  return text ? parse_psi(*text) : std::nullopt;
}

std::optional<long> parse_cpu_list(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  long count = 0;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const std::size_t dash = item.find('-');
    long first = 0, last = 0;
    if (!parse_number(item.substr(0, dash), &first)) return std::nullopt;
    if (dash == std::string_view::npos) last = first;
    else if (!parse_number(item.substr(dash + 1), &last) || last < first) return std::nullopt;
    count += last - first + 1;
  }
  return count;
}

std::optional<long> read_online_cpus() {
  static const KeptFile online("/sys/devices/system/cpu/online");
  char buf[1024];
  const auto text = online.read(buf, sizeof buf);
  return text ? parse_cpu_list(*text) : std::nullopt;
}

std::optional<double> read_uptime() {
  char buf[128];
  const auto text = read_into("/proc/uptime", buf, sizeof buf);
  return text ? parse_uptime(*text) : std::nullopt;
}

std::optional<std::int64_t> read_boot_time(std::string &storage) {
  const auto text = read_file("/proc/stat", storage);
  return text ? parse_boot_time(*text) : std::nullopt;
}

}  // namespace runtimo::snapshot
