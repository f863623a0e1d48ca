// snapshot/system_stats.hpp — the machine-wide /proc files: /proc/stat (CPU time, boot time),
// /proc/meminfo, /proc/loadavg, /proc/pressure/{cpu,memory,io} and /proc/uptime.
//
// Owns the parsers (pure functions over the file text, so tests can feed crafted text) and
// the cheap readers the telemetry sampler and the resource guard share. A reader returns
// nullopt when its file is missing or malformed; it never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::snapshot {

// The aggregate "cpu " line of /proc/stat, in clock ticks. busy excludes idle and iowait;
// guest time is already included in user/nice by the kernel, so it is not added again.
struct CpuTimes {
  std::uint64_t busy = 0;
  std::uint64_t total = 0;
};
std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat);
// "btime": the boot time in seconds since the epoch.
std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat);

// /proc/meminfo, in bytes. MemAvailable is missing on kernels before 3.14: available is then
// estimated as MemFree + Buffers + Cached and has_available is false.
struct MemInfo {
  std::uint64_t total = 0;
  std::uint64_t available = 0;
  std::uint64_t swap_total = 0;
  std::uint64_t swap_free = 0;
  bool has_available = false;
};
std::optional<MemInfo> parse_meminfo(std::string_view text);

// /proc/loadavg: "0.52 0.58 0.59 3/412 12345".
struct LoadAvg {
  double load1 = 0, load5 = 0, load15 = 0;
  std::int64_t running = 0;  // runnable scheduling entities
  std::int64_t total = 0;    // scheduling entities (threads) that exist
};
std::optional<LoadAvg> parse_loadavg(std::string_view text);

// One line of a /proc/pressure file: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0".
struct PsiLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;  // percent of time stalled
  std::uint64_t total_us = 0;               // cumulative stall time
};
struct Psi {
  std::optional<PsiLine> some;
  std::optional<PsiLine> full;  // absent for cpu on kernels before 5.13
};
std::optional<Psi> parse_psi(std::string_view text);

// First number of /proc/uptime: seconds since boot.
std::optional<double> parse_uptime(std::string_view text);

// /sys/devices/system/cpu/online ("0-3,6,8-9"): how many CPUs are online.
std::optional<long> parse_cpu_list(std::string_view text);

// Readers (open/read into a stack buffer; no allocation). Those a job reads every time
// (meminfo, loadavg, pressure, online CPUs) keep their file open and re-read it with pread.
std::optional<CpuTimes> read_cpu_times();
std::optional<MemInfo> read_meminfo();
std::optional<LoadAvg> read_loadavg();
// resource: "cpu", "memory" or "io".
std::optional<Psi> read_psi(const char *resource);
std::optional<double> read_uptime();
std::optional<long> read_online_cpus();
// /proc/stat btime; reads the whole file into `storage`.
std::optional<std::int64_t> read_boot_time(std::string &storage);

}  // namespace runtimo::snapshot
