// exec/resource_guard.hpp — the resource guard of DESIGN §3: before a job is validated, the
// machine's pressure is read (memory available, load per CPU, PSI, free disk of the home) and,
// when any reading is past its configured threshold, capabilities without RT_CAP_RESCUE are
// refused (stage "guard", exit 3) so an agent cannot pile work onto a machine in trouble,
// while Kill, ProcessList and Telemetry — the tools to get it out of trouble — still run.
//
// Owns the thresholds and the verdict. A reading the kernel does not offer (no
// /proc/pressure) never trips the guard; a threshold left unset (null in the config) is off.
#pragma once

#include "config/settings.hpp"
#include "snapshot/telemetry.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::exec {

// The thresholds come from the config ("guard"); see config::GuardSettings.
using GuardThresholds = config::GuardSettings;

// One reading past its threshold.
struct GuardExcess {
  std::string reading;  // "mem_available_pct", "load_per_cpu", … (the SystemPressure member)
  double value = 0;
  double threshold = 0;
  std::string message;  // "available memory (% of total) is 3.10, below the minimum 5.00"
};

struct GuardVerdict {
  bool refuse = false;
  // The pressure read for this verdict; unset when the guard is off (it reads nothing then).
  std::optional<snapshot::SystemPressure> measured;
  std::vector<GuardExcess> exceeded;
  // {"measured":{…}, "thresholds":{…}, "exceeded":[{reading, value, threshold, message}…],
  //  "refusing":bool}
  boost::json::object to_json(const GuardThresholds &thresholds) const;
};

class ResourceGuard {
 public:
  ResourceGuard(GuardThresholds thresholds, std::filesystem::path home);
  const GuardThresholds &thresholds() const { return thresholds_; }
  // Reads the pressure now (cheap: a few /proc files and one statvfs). Thread-safe.
  GuardVerdict check() const;

 private:
  GuardThresholds thresholds_;
  std::filesystem::path home_;
};

}  // namespace runtimo::exec
