// exec/resource_guard.cpp — reading the pressure and weighing it against the thresholds.
#include "exec/resource_guard.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace runtimo::exec {
namespace {

namespace json = boost::json;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Adds an entry to `out` when `value` is known (≥ 0) and past `threshold`.
void weigh(const char *reading, double value, const std::optional<double> &threshold, bool is_min,
           const char *what, std::vector<GuardExcess> &out) {
  if (!threshold || value < 0) return;
  const bool past = is_min ? value < *threshold : value > *threshold;
  if (!past) return;
  out.push_back(GuardExcess{reading, value, *threshold,
                            std::string(what) + " is " + number(value) +
                                (is_min ? ", below the minimum " : ", above the maximum ") +
                                number(*threshold)});
}

json::value optional_json(const std::optional<double> &v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

ResourceGuard::ResourceGuard(GuardThresholds thresholds, std::filesystem::path home)
    : thresholds_(thresholds), home_(std::move(home)) {}

GuardVerdict ResourceGuard::check() const {
  GuardVerdict v;
  if (!thresholds_.enabled) return v;
  v.measured = snapshot::read_pressure(home_);
  const auto &t = thresholds_;
  const auto &m = *v.measured;
  weigh("mem_available_pct", m.mem_available_pct, t.mem_available_pct_min, true,
        "available memory (% of total)", v.exceeded);
  weigh("load_per_cpu", m.load_per_cpu, t.load_per_cpu_max, false, "1-minute load per CPU",
        v.exceeded);
  weigh("psi_memory_some_avg10", m.psi_memory_some_avg10, t.psi_memory_some_avg10_max, false,
        "memory pressure (PSI some avg10, %)", v.exceeded);
  weigh("psi_cpu_some_avg10", m.psi_cpu_some_avg10, t.psi_cpu_some_avg10_max, false,
        "CPU pressure (PSI some avg10, %)", v.exceeded);
  weigh("psi_io_some_avg10", m.psi_io_some_avg10, t.psi_io_some_avg10_max, false,
        "I/O pressure (PSI some avg10, %)", v.exceeded);
  weigh("home_free_pct", m.home_free_pct, t.home_free_pct_min, true,
        "free space of the Runtimo home's filesystem (%)", v.exceeded);
  v.refuse = !v.exceeded.empty();
  return v;
}

json::object GuardVerdict::to_json(const GuardThresholds &t) const {
  json::array exceeded_json;
  for (const auto &e : exceeded)
    exceeded_json.push_back(json::object{{"reading", e.reading},
                                         {"value", e.value},
                                         {"threshold", e.threshold},
                                         {"message", e.message}});
  return json::object{
      {"measured", snapshot::to_json(measured.value_or(snapshot::SystemPressure{}))},
      {"thresholds", json::object{{"enabled", t.enabled},
                                  {"mem_available_pct_min", optional_json(t.mem_available_pct_min)},
                                  {"load_per_cpu_max", optional_json(t.load_per_cpu_max)},
                                  {"psi_memory_some_avg10_max", optional_json(t.psi_memory_some_avg10_max)},
                                  {"psi_cpu_some_avg10_max", optional_json(t.psi_cpu_some_avg10_max)},
                                  {"psi_io_some_avg10_max", optional_json(t.psi_io_some_avg10_max)},
                                  {"home_free_pct_min", optional_json(t.home_free_pct_min)}}},
      {"exceeded", std::move(exceeded_json)},
      {"refusing", refuse}};
}

}  // namespace runtimo::exec
