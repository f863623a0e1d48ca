// snapshot/health_watch.hpp — periodic health sampling with de-duplicated alerts, for the
// daemon (issue 3, item 7).
//
// Owns the alert rules and their episodes. Each sample takes a fresh telemetry capture (CPU,
// memory, the watched disks) and a process summary, then evaluates:
//   cpu_sustained  machine CPU utilisation (over the interval since the previous sample, not
//                  a sum of per-process lifetime averages) above cpu_pct for
//                  sustained_samples consecutive samples;
//   memory_low     MemAvailable (not MemFree: page cache is available memory) below
//                  mem_available_pct_min percent of MemTotal;
//   zombies        more zombie processes than zombies_max;
//   disk_full      a watched filesystem's used % (as df) above disk_used_pct_max; one episode
//                  per filesystem.
// An alert is raised once when its condition starts and cleared once when it ends — never
// re-fired while it holds. state() returns:
//   {"running":true,"samples":12,"period_ms":10000,"thresholds":{…},
//    "last":{"ts":…,"cpu_utilisation_pct":12.5,"mem_available_pct":80.1,"zombies":0,
//            "processes":212,"load_per_cpu":0.3,"disks":[{"path":"/","used_pct":41.2}]},
//    "active_alerts":[{"kind":"disk_full","path":"/","since":…,"raised":…,"cleared":null,
//                      "value":93.1,"worst":93.4,"threshold":90,
//                      "message":"filesystem of / is 93.1% full (threshold 90%)"}],
//    "history":[…the last 50 alerts, active or cleared, oldest first…]}
// Everything is thread-safe; start() runs one sampling thread, stop() wakes and joins it.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "snapshot/process_snapshot.hpp"
#include "snapshot/telemetry.hpp"

namespace runtimo::snapshot {

class HealthWatch {
 public:
  struct Thresholds {
    double cpu_pct = 90;
    int sustained_samples = 3;
    double mem_available_pct_min = 10;
    int zombies_max = 20;
    double disk_used_pct_max = 90;
  };

  explicit HealthWatch(Thresholds thresholds,
                       std::vector<std::filesystem::path> disk_paths = {"/"});
  ~HealthWatch();  // stops the thread
  HealthWatch(const HealthWatch &) = delete;
  HealthWatch &operator=(const HealthWatch &) = delete;

  // One sample: a telemetry capture and a process summary, then the rules.
  void sample();
  // The rules over given values, in the shapes of TelemetrySampler::capture() and
  // ProcessSnapshot::summary(); missing values leave their rule as it was. The sample time is
  // telemetry.capture.ts when present, else now. A CPU figure marked "since_boot" is ignored
  // (it is not a recent interval).
  void sample_from(const boost::json::object &telemetry,
                   const boost::json::object &process_summary);

  // Starts sampling every `period` (first sample at once) on one thread; no-op if running.
  void start(std::chrono::milliseconds period);
  // Wakes the thread and joins it (returns as soon as a sample in progress ends).
  void stop();
  bool running() const { return running_.load(); }

  boost::json::object state() const;

 private:
  struct Alert {
    std::uint64_t id = 0;
    std::string kind;
    std::string path;  // disk_full only
    double since = 0;  // when the condition started (first of the sustained samples)
    double raised = 0;
    std::optional<double> cleared;
    double value = 0;  // the latest value seen while active
    double worst = 0;
    double threshold = 0;
    std::string message;
  };

  // One rule step: raises, updates or clears the alert keyed (kind, path).
  void evaluate(const std::string &kind, const std::string &path, bool condition, double value,
                double threshold, double since, double ts, bool higher_is_worse,
                const std::string &message);
  static boost::json::object alert_json(const Alert &alert);

  const Thresholds thresholds_;
  const std::vector<std::filesystem::path> disk_paths_;
  TelemetrySampler telemetry_;
  ProcessSampler processes_;

  mutable std::mutex state_mutex_;
  std::uint64_t samples_ = 0;
  std::uint64_t next_alert_id_ = 1;
  int cpu_high_streak_ = 0;
  double cpu_streak_since_ = 0;
  boost::json::object last_;
  std::string last_error_;
  std::map<std::string, Alert> active_;  // key: kind + '\n' + path
  std::deque<Alert> history_;            // at most kHistory, oldest first

  std::mutex control_mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;
  std::atomic<bool> running_{false};
  std::atomic<std::int64_t> period_ms_{0};
  std::thread thread_;
};

}  // namespace runtimo::snapshot
