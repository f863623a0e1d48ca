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
#include <string>
#include <vector>

namespace runtimo::exec {

// The thresholds come from the config ("guard"); see config::GuardSettings.
using GuardThresholds = config::GuardSettings;

struct GuardVerdict {
  bool refuse = false;
  snapshot::SystemPressure measured;
  // One line per reading past its threshold, e.g.
  // {"reading":"mem_available_pct","value":3.1,"threshold":5,"message":"…"}.
  std::vector<boost::json::object> exceeded;
  // {"measured":{…}, "thresholds":{…}, "exceeded":[…], "refusing":bool}
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
