// snapshot/health_watch.cpp — the health rules, their episodes and the sampling thread.
#include "snapshot/health_watch.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>

namespace runtimo::snapshot {
namespace {

namespace json = boost::json;

constexpr std::size_t kHistory = 50;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A number at obj[section][key], if it is one.
std::optional<double> number_at(const json::object &obj, std::string_view section,
                                std::string_view key) {
  const json::value *s = obj.if_contains(section);
  if (s == nullptr || !s->is_object()) return std::nullopt;
  const json::value *v = s->as_object().if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::string format(const char *fmt, double a, double b) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

}  // namespace

HealthWatch::HealthWatch(Thresholds thresholds, std::vector<std::filesystem::path> disk_paths)
    : thresholds_(thresholds), disk_paths_(std::move(disk_paths)) {}

HealthWatch::~HealthWatch() {
  stop();
}

void HealthWatch::sample() {
  TelemetryOptions options;
  options.host = options.pressure = options.network = options.ports = options.gpus = false;
  for (const auto &p : disk_paths_) options.disk_paths.push_back(p.string());
  const json::object telemetry = telemetry_.capture(options);
  ProcessSnapshotOptions process_options;
  process_options.cmdline = false;
  process_options.users = false;
  const json::object summary = processes_.capture(process_options).summary();
  sample_from(telemetry, summary);
}

void HealthWatch::sample_from(const json::object &telemetry, const json::object &summary) {
  std::lock_guard lock(state_mutex_);
  const double ts = number_at(telemetry, "capture", "ts").value_or(unix_now());
  ++samples_;
  json::object last{{"ts", ts}};

  // CPU: only a figure over a recent interval counts.
  const json::value *since_boot = nullptr;
  if (const json::value *cpu = telemetry.if_contains("cpu"); cpu && cpu->is_object())
    since_boot = cpu->as_object().if_contains("since_boot");
  const auto cpu = number_at(telemetry, "cpu", "utilisation_pct");
  if (cpu && !(since_boot && since_boot->is_bool() && since_boot->as_bool())) {
    last["cpu_utilisation_pct"] = *cpu;
    if (*cpu > thresholds_.cpu_pct) {
      if (cpu_high_streak_++ == 0) cpu_streak_since_ = ts;
    } else {
      cpu_high_streak_ = 0;
    }
    const int needed = std::max(thresholds_.sustained_samples, 1);
    evaluate("cpu_sustained", "", cpu_high_streak_ >= needed, *cpu, thresholds_.cpu_pct,
             cpu_streak_since_, ts, true,
             format("CPU utilisation %.1f%% sustained above %.0f%%", *cpu, thresholds_.cpu_pct));
  }
  if (const auto load = number_at(telemetry, "cpu", "load_per_cpu")) last["load_per_cpu"] = *load;

  if (const auto mem = number_at(telemetry, "memory", "available_pct")) {
    last["mem_available_pct"] = *mem;
    evaluate(
        "memory_low", "", *mem < thresholds_.mem_available_pct_min, *mem,
        thresholds_.mem_available_pct_min, ts, ts, false,
        format("memory available %.1f%% below %.0f%%", *mem, thresholds_.mem_available_pct_min));
  }

  if (const json::value *z = summary.if_contains("zombies"); z && z->is_number()) {
    const double zombies = z->to_number<double>();
    last["zombies"] = static_cast<std::int64_t>(zombies);
    evaluate("zombies", "", zombies > thresholds_.zombies_max, zombies, thresholds_.zombies_max, ts,
             ts, true,
             format("%.0f zombie processes (threshold %.0f)", zombies,
                    static_cast<double>(thresholds_.zombies_max)));
  }
  if (const json::value *t = summary.if_contains("total"); t && t->is_number())
    last["processes"] = static_cast<std::int64_t>(t->to_number<double>());

  if (const json::value *d = telemetry.if_contains("disks"); d && d->is_array()) {
    json::array disks;
    for (const json::value &entry : d->as_array()) {
      if (!entry.is_object()) continue;
      const json::object &disk = entry.as_object();
      const json::value *path = disk.if_contains("path");
      const json::value *used = disk.if_contains("used_pct");
      if (path == nullptr || !path->is_string() || used == nullptr || !used->is_number()) continue;
      const std::string p(path->as_string());
      const double pct = used->to_number<double>();
      disks.push_back(json::object{{"path", p}, {"used_pct", pct}});
      evaluate(
          "disk_full", p, pct > thresholds_.disk_used_pct_max, pct, thresholds_.disk_used_pct_max,
          ts, ts, true,
          "filesystem of " + p +
              format(" is %.1f%% full (threshold %.0f%%)", pct, thresholds_.disk_used_pct_max));
    }
    last["disks"] = std::move(disks);
  }
  last_ = std::move(last);
}

void HealthWatch::evaluate(const std::string &kind, const std::string &path, bool condition,
                           double value, double threshold, double since, double ts,
                           bool higher_is_worse, const std::string &message) {
  const std::string key = kind + '\n' + path;
  const auto it = active_.find(key);
  if (condition && it == active_.end()) {
    Alert a;
    a.id = next_alert_id_++;
    a.kind = kind;
    a.path = path;
    a.since = since;
    a.raised = ts;
    a.value = a.worst = value;
    a.threshold = threshold;
    a.message = message;
    active_.emplace(key, a);
    history_.push_back(a);
    if (history_.size() > kHistory) history_.pop_front();
  } else if (condition) {
    Alert &a = it->second;
    a.value = value;
    a.worst = higher_is_worse ? std::max(a.worst, value) : std::min(a.worst, value);
    for (Alert &h : history_)
      if (h.id == a.id) h.value = a.value, h.worst = a.worst;
  } else if (it != active_.end()) {
    for (Alert &h : history_)
      if (h.id == it->second.id) h.cleared = ts;
    active_.erase(it);
  }
}

json::object HealthWatch::alert_json(const Alert &a) {
  json::object o{{"kind", a.kind}};
  if (!a.path.empty()) o["path"] = a.path;
  o["since"] = a.since;
  o["raised"] = a.raised;
  o["cleared"] = a.cleared ? json::value(*a.cleared) : json::value(nullptr);
  o["value"] = a.value;
  o["worst"] = a.worst;
  o["threshold"] = a.threshold;
  o["message"] = a.message;
  return o;
}

json::object HealthWatch::state() const {
  std::lock_guard lock(state_mutex_);
  json::array active;
  for (const auto &[key, alert] : active_) active.push_back(alert_json(alert));
  json::array history;
  for (const Alert &alert : history_) history.push_back(alert_json(alert));
  json::object out{
      {"running", running_.load()},
      {"samples", samples_},
      {"period_ms", period_ms_.load()},
      {"thresholds", json::object{{"cpu_pct", thresholds_.cpu_pct},
                                  {"sustained_samples", thresholds_.sustained_samples},
                                  {"mem_available_pct_min", thresholds_.mem_available_pct_min},
                                  {"zombies_max", thresholds_.zombies_max},
                                  {"disk_used_pct_max", thresholds_.disk_used_pct_max}}},
      {"last", last_},
      {"active_alerts", std::move(active)},
      {"history", std::move(history)}};
  if (!last_error_.empty()) out["last_error"] = last_error_;
  return out;
}

void HealthWatch::start(std::chrono::milliseconds period) {
  std::lock_guard lock(control_mutex_);
  if (thread_.joinable()) return;
  stop_requested_ = false;
  period_ms_ = period.count();
  running_ = true;
  thread_ = std::thread([this, period] {
    for (;;) {
      try {
        sample();
      } catch (const std::exception &e) {
        std::lock_guard state_lock(state_mutex_);
        last_error_ = e.what();
      }
      std::unique_lock wait_lock(control_mutex_);
      if (wake_.wait_for(wait_lock, period, [this] { return stop_requested_; })) break;
    }
    running_ = false;
  });
}

void HealthWatch::stop() {
  std::thread thread;
  {
    std::lock_guard lock(control_mutex_);
    stop_requested_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
}

}  // namespace runtimo::snapshot
