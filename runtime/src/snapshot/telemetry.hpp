// snapshot/telemetry.hpp — the machine layer of the snapshot provider (DESIGN §5): host, CPU,
// memory, pressure stall information, disks, network counters, listening ports and GPUs, read
// from /proc, statvfs and NVML — never from a subprocess — and the cheap pressure reading the
// resource guard uses before every job (DESIGN §3).
//
// Owns: the telemetry JSON shape (numbers as numbers: bytes, percent, seconds) and the CPU
// utilisation interval. A TelemetrySampler remembers the aggregate /proc/stat counters of its
// previous capture, so utilisation covers the interval since then; the first capture reports
// utilisation since boot from the same counters ("since_boot": true) and never sleeps. An
// interval shorter than 250 ms is not measured (a handful of clock ticks says nothing): a
// capture that soon after the previous one repeats the previous figure with its interval_ms. Nothing
// is cached between captures except what cannot change while the machine runs (CPU model,
// boot id), so a before- and an after-snapshot around a job always differ in time.
//
// Example capture (abridged):
//   {"host":{"hostname":"vm1","kernel":"6.1.0-18-amd64","boot_id":"137b…","uptime_s":8123.4},
//    "cpu":{"count":2,"model":"AMD EPYC","utilisation_pct":37.5,"interval_ms":1003.2,
//           "since_boot":false,"load1":0.52,"load5":0.58,"load15":0.59,"load_per_cpu":0.26,
//           "tasks_running":3,"tasks_total":412},
//    "memory":{"total_bytes":25275744256,"available_bytes":24224501760,"used_pct":4.16,
//              "available_pct":95.84,"swap_total_bytes":0,"swap_free_bytes":0},
//    "pressure":{"cpu":{"some_avg10":0.1,"some_avg60":0.2,"some_avg300":0.1,
//                       "some_total_us":123,"full_avg10":0,…},"memory":{…},"io":{…}},
//    "disks":[{"path":"/","paths":["/"],"mount_point":"/","fs_type":"ext4",
//              "total_bytes":…,"free_bytes":…,"available_bytes":…,"used_pct":41.2,
//              "inodes_total":…,"inodes_free":…}],
//    "network":[{"interface":"eth0","rx_bytes":…,"tx_bytes":…,"rx_packets":…,"tx_packets":…,
//                "rx_errors":0,"tx_errors":0}],
//    "ports":[{"proto":"tcp","address":"127.0.0.1","port":8200,"inode":123456,"uid":1000}],
//    "gpus":[],
//    "capture":{"cost_us":412,"ts":1795836653.25}}
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "snapshot/system_stats.hpp"

namespace runtimo::snapshot {

struct TelemetryOptions {
  bool cpu = true, memory = true, pressure = true, disks = true, network = true, ports = true,
       gpus = true;
  bool host = true;
  // Extra paths whose filesystems are reported (the runtime home, the allowed prefixes); "/"
  // is always reported. Paths on the same filesystem are reported once.
  std::vector<std::string> disk_paths;
};

// The one vocabulary of telemetry sections, in documented order: host, cpu, memory,
// pressure, disks, network, ports, gpus.
const std::vector<std::string> &telemetry_section_names();
// `base` with only the named sections switched on (all of them when `names` is empty).
// Throws std::invalid_argument naming an unknown section and listing the known ones.
TelemetryOptions select_sections(TelemetryOptions base, const std::vector<std::string> &names);
// A request as the host API receives it (a JSON array of section names) as names. Throws
// std::invalid_argument when it is not an array of strings.
std::vector<std::string> parse_sections(const boost::json::value &request);

class TelemetrySampler {
 public:
  // One fresh capture of the selected sections (a section switched off is absent). Never
  // throws for a missing or unreadable source: its section or field is left out (pressure
  // without /proc/pressure, gpus without NVML is []). Thread-safe; captures are serialised.
  boost::json::object capture(const TelemetryOptions &options = {});

 private:
  boost::json::object cpu_section();

  std::mutex mutex_;
  std::optional<CpuTimes> previous_cpu_;
  std::chrono::steady_clock::time_point previous_at_{};
  // The last utilisation computed, reported again when a capture follows the previous one
  // within 250 ms (or before any counter moved).
  double last_utilisation_pct_ = -1;
  double last_interval_ms_ = 0;
  bool last_since_boot_ = true;
  bool have_static_ = false;
  std::string cpu_model_;
  std::string boot_id_;
  std::string buffer_;  // reused read buffer
};

// What the resource guard weighs before a job. Every field is −1 when its source is missing
// or unreadable (no /proc/pressure, an unreadable home): the guard decides what an unknown
// value means.
struct SystemPressure {
  double mem_available_pct = -1;      // MemAvailable / MemTotal × 100
  double load_per_cpu = -1;           // 1-minute load average / online CPUs
  double psi_memory_some_avg10 = -1;  // % of the last 10 s some task stalled on memory
  double psi_cpu_some_avg10 = -1;
  double psi_io_some_avg10 = -1;
  double home_free_pct = -1;  // free space of the home's filesystem for unprivileged users
};

// Cheap: /proc/meminfo, /proc/loadavg, the three /proc/pressure files and one statvfs; no
// allocation beyond the path, no sleeping. Thread-safe (no state).
SystemPressure read_pressure(const std::filesystem::path &home);

// {"mem_available_pct":…,"load_per_cpu":…,"psi_memory_some_avg10":…,"psi_cpu_some_avg10":…,
//  "psi_io_some_avg10":…,"home_free_pct":…} — for the guard's job.rejected event.
boost::json::object to_json(const SystemPressure &pressure);

}  // namespace runtimo::snapshot
