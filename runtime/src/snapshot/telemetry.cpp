// snapshot/telemetry.cpp — assembling the telemetry JSON from the /proc readers.
#include "snapshot/telemetry.hpp"

#include "snapshot/disk_stats.hpp"
#include "snapshot/gpu_nvml.hpp"
#include "snapshot/net_stats.hpp"
#include "snapshot/proc_files.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace runtimo::snapshot {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// CPU utilisation is measured over intervals of at least this long.
constexpr auto kMinCpuInterval = std::chrono::milliseconds(250);

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

long online_cpus() {
  if (const auto n = read_online_cpus(); n && *n > 0) return *n;
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? n : 1;
}

// The first "model name" (x86), "Model" or "Hardware" (Arm) or "cpu model" (MIPS) value.
std::string cpu_model(std::string &storage) {
  const auto text = read_file("/proc/cpuinfo", storage);
  if (!text) return {};
  std::string fallback;
  std::size_t pos = 0;
  while (const auto line = next_line(*text, &pos)) {
    const std::size_t colon = line->find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = trim(line->substr(0, colon));
    const std::string_view value = trim(line->substr(colon + 1));
    if (key == "model name") return std::string(value);
    if (fallback.empty() && (key == "Model" || key == "Hardware" || key == "cpu model"))
      fallback = value;
  }
  return fallback;
}

std::string boot_id() {
  char buf[64];
  const long n = read_small(AT_FDCWD, "/proc/sys/kernel/random/boot_id", buf, sizeof buf);
  return n > 0 ? std::string(trim(std::string_view(buf, static_cast<std::size_t>(n)))) : "";
}

double pct(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) * 100.0 / static_cast<double>(whole);
}

json::object host_section(const std::string &boot) {
  json::object host;
  struct utsname u {};
  if (::uname(&u) == 0) {
    host["hostname"] = u.nodename;
    host["kernel"] = u.release;
    host["machine"] = u.machine;
  }
  host["boot_id"] = boot;
  if (const auto up = read_uptime()) host["uptime_s"] = *up;
  return host;
}

json::object memory_section(const MemInfo &m) {
  return json::object{{"total_bytes", m.total},
                      {"available_bytes", m.available},
                      {"used_pct", pct(m.total - std::min(m.available, m.total), m.total)},
                      {"available_pct", pct(m.available, m.total)},
                      {"available_estimated", !m.has_available},
                      {"swap_total_bytes", m.swap_total},
                      {"swap_free_bytes", m.swap_free}};
}

void add_psi_line(json::object &out, const char *prefix, const PsiLine &line) {
  const std::string p = prefix;
  out[p + "_avg10"] = line.avg10;
  out[p + "_avg60"] = line.avg60;
  out[p + "_avg300"] = line.avg300;
  out[p + "_total_us"] = line.total_us;
}

json::object pressure_section() {
  json::object pressure;
  for (const char *resource : {"cpu", "memory", "io"}) {
    const auto psi = read_psi(resource);
    if (!psi) continue;
    json::object r;
    if (psi->some) add_psi_line(r, "some", *psi->some);
    if (psi->full) add_psi_line(r, "full", *psi->full);
    pressure[resource] = std::move(r);
  }
  return pressure;
}

json::array disks_section(const std::vector<std::string> &paths, std::string &storage) {
  json::array disks;
  for (const DiskUsage &d : read_disk_usage(paths, storage)) {
    json::object o{{"path", d.path}};
    json::array all;
    for (const auto &p : d.paths) all.emplace_back(p);
    o["paths"] = std::move(all);
    if (!d.error.empty()) {
      o["error"] = d.error;
    } else {
      if (!d.mount_point.empty()) o["mount_point"] = d.mount_point;
      if (!d.fs_type.empty()) o["fs_type"] = d.fs_type;
      o["total_bytes"] = d.total_bytes;
      o["free_bytes"] = d.free_bytes;
      o["available_bytes"] = d.available_bytes;
      o["used_pct"] = d.used_pct;
      o["inodes_total"] = d.inodes_total;
      o["inodes_free"] = d.inodes_free;
    }
    disks.push_back(std::move(o));
  }
  return disks;
}

json::array network_section(std::string &storage) {
  json::array network;
  for (const InterfaceCounters &c : read_net_dev(storage))
    network.push_back(json::object{{"interface", c.name},
                                   {"rx_bytes", c.rx_bytes},
                                   {"tx_bytes", c.tx_bytes},
                                   {"rx_packets", c.rx_packets},
                                   {"tx_packets", c.tx_packets},
                                   {"rx_errors", c.rx_errors},
                                   {"tx_errors", c.tx_errors}});
  return network;
}

json::array ports_section(std::string &storage) {
  json::array ports;
  for (const ListeningSocket &s : read_listening_sockets(storage))
    ports.push_back(json::object{{"proto", s.proto},
                                 {"address", s.address},
                                 {"port", s.port},
                                 {"inode", s.inode},
                                 {"uid", s.uid}});
  return ports;
}

json::array gpus_section() {
  json::array gpus;
  for (const GpuInfo &g : read_gpus()) {
    json::object o{{"index", g.index},
                   {"name", g.name},
                   {"memory_total_bytes", g.memory_total_bytes},
                   {"memory_used_bytes", g.memory_used_bytes},
                   {"memory_free_bytes", g.memory_free_bytes}};
    if (g.utilisation_pct >= 0) o["utilisation_pct"] = g.utilisation_pct;
    if (g.memory_utilisation_pct >= 0) o["memory_utilisation_pct"] = g.memory_utilisation_pct;
    if (g.temperature_c >= 0) o["temperature_c"] = g.temperature_c;
    gpus.push_back(std::move(o));
  }
  return gpus;
}

}  // namespace

namespace {

constexpr std::pair<const char *, bool TelemetryOptions::*> kSections[] = {
    {"host", &TelemetryOptions::host},         {"cpu", &TelemetryOptions::cpu},
    {"memory", &TelemetryOptions::memory},     {"pressure", &TelemetryOptions::pressure},
    {"disks", &TelemetryOptions::disks},       {"network", &TelemetryOptions::network},
    {"ports", &TelemetryOptions::ports},       {"gpus", &TelemetryOptions::gpus}};

}  // namespace

const std::vector<std::string> &telemetry_section_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto &[name, member] : kSections) out.emplace_back(name);
    return out;
  }();
  return names;
}

TelemetryOptions select_sections(TelemetryOptions options, const std::vector<std::string> &names) {
  if (names.empty()) return options;
  for (const auto &[name, member] : kSections) options.*member = false;
  for (const std::string &s : names) {
    const auto *section = std::find_if(std::begin(kSections), std::end(kSections),
                                       [&](const auto &entry) { return s == entry.first; });
    if (section == std::end(kSections)) {
      std::string known;
      for (const auto &[name, member] : kSections) known += (known.empty() ? "" : ", ") + std::string(name);
      throw std::invalid_argument("unknown telemetry section \"" + s + "\"; the sections are " + known);
    }
    options.*(section->second) = true;
  }
  return options;
}

std::vector<std::string> parse_sections(const boost::json::value &request) {
  const bool is_list = request.is_array() &&
                       std::all_of(request.get_array().begin(), request.get_array().end(),
                                   [](const json::value &v) { return v.is_string(); });
  if (!is_list)
    throw std::invalid_argument(
        "sections must be a JSON array of section names, e.g. [\"cpu\",\"memory\"], or [] for all");
  std::vector<std::string> names;
  for (const auto &v : request.get_array()) names.emplace_back(v.get_string());
  return names;
}

json::object TelemetrySampler::cpu_section() {
  json::object cpu;
  const long count = online_cpus();
  cpu["count"] = count;
  cpu["model"] = cpu_model_;
  const Clock::time_point now = Clock::now();
  if (const auto times = read_cpu_times()) {
    if (!previous_cpu_) {
      // First capture: the counters themselves cover the time since boot.
      last_utilisation_pct_ = pct(times->busy, times->total);
      const auto up = read_uptime();
      last_interval_ms_ = up ? *up * 1000.0 : 0.0;
      last_since_boot_ = true;
      previous_cpu_ = *times;
      previous_at_ = now;
    } else if (times->total > previous_cpu_->total && now - previous_at_ >= kMinCpuInterval) {
      last_utilisation_pct_ = pct(times->busy - std::min(times->busy, previous_cpu_->busy),
                                  times->total - previous_cpu_->total);
      last_interval_ms_ = std::chrono::duration<double, std::milli>(now - previous_at_).count();
      last_since_boot_ = false;
      previous_cpu_ = *times;
      previous_at_ = now;
    }
    // else: too short an interval to measure (a few ticks say nothing); keep the baseline and
    // report the previous figure with its own interval.
    cpu["utilisation_pct"] = last_utilisation_pct_;
    cpu["interval_ms"] = last_interval_ms_;
    cpu["since_boot"] = last_since_boot_;
  }
  if (const auto load = read_loadavg()) {
    cpu["load1"] = load->load1;
    cpu["load5"] = load->load5;
    cpu["load15"] = load->load15;
    cpu["load_per_cpu"] = load->load1 / static_cast<double>(count);
    cpu["tasks_running"] = load->running;
    cpu["tasks_total"] = load->total;
  }
  return cpu;
}

json::object TelemetrySampler::capture(const TelemetryOptions &options) {
  std::lock_guard lock(mutex_);
  const Clock::time_point start = Clock::now();
  const double ts = unix_now();
  if (!have_static_) {
    cpu_model_ = cpu_model(buffer_);
    boot_id_ = boot_id();
    have_static_ = true;
  }
  json::object out;
  if (options.host) out["host"] = host_section(boot_id_);
  if (options.cpu) out["cpu"] = cpu_section();
  if (options.memory) {
    if (const auto mem = read_meminfo()) out["memory"] = memory_section(*mem);
  }
  if (options.pressure) {
    json::object pressure = pressure_section();
    if (!pressure.empty()) out["pressure"] = std::move(pressure);
  }
  if (options.disks) out["disks"] = disks_section(options.disk_paths, buffer_);
  if (options.network) out["network"] = network_section(buffer_);
  if (options.ports) out["ports"] = ports_section(buffer_);
  if (options.gpus) out["gpus"] = gpus_section();
  const auto cost = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  out["capture"] = json::object{{"cost_us", cost.count()}, {"ts", ts}};
  return out;
}

SystemPressure read_pressure(const std::filesystem::path &home) {
  SystemPressure p;
  if (const auto mem = read_meminfo(); mem && mem->total > 0)
    p.mem_available_pct = pct(mem->available, mem->total);
  if (const auto load = read_loadavg())
    p.load_per_cpu = load->load1 / static_cast<double>(online_cpus());
  const auto some_avg10 = [](const char *resource) {
    const auto psi = read_psi(resource);
    return psi && psi->some ? psi->some->avg10 : -1.0;
  };
  p.psi_memory_some_avg10 = some_avg10("memory");
  p.psi_cpu_some_avg10 = some_avg10("cpu");
  p.psi_io_some_avg10 = some_avg10("io");
  if (!home.empty()) p.home_free_pct = free_pct(home.c_str());
  return p;
}

boost::json::object to_json(const SystemPressure &p) {
  // Two decimals say all these readings mean, and keep every job's journal lines short.
  const auto r = [](double v) { return v < 0 ? v : std::round(v * 100.0) / 100.0; };
  return json::object{{"mem_available_pct", r(p.mem_available_pct)},
                      {"load_per_cpu", r(p.load_per_cpu)},
                      {"psi_memory_some_avg10", r(p.psi_memory_some_avg10)},
                      {"psi_cpu_some_avg10", r(p.psi_cpu_some_avg10)},
                      {"psi_io_some_avg10", r(p.psi_io_some_avg10)},
                      {"home_free_pct", r(p.home_free_pct)}};
}

}  // namespace runtimo::snapshot
