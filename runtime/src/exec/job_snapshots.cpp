// exec/job_snapshots.cpp — before/after snapshots of jobs and the on-demand captures.
#include "exec/job_snapshots.hpp"

#include "snapshot/process_identity.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <stdexcept>

namespace runtimo::exec {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::uint64_t us_since(Clock::time_point t0) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
}

// Unix time in seconds, to the millisecond.
double unix_now() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return static_cast<double>(ms.count()) / 1000.0;
}

// Summary mode: the guard's reading stands in for the telemetry — the one the guard has just
// taken for this job when there is one, so the job does not read the same files twice.
json::object pressure_telemetry(const std::filesystem::path &home,
                                const snapshot::SystemPressure *taken = nullptr) {
  const auto t0 = Clock::now();
  json::object o = snapshot::to_json(taken != nullptr ? *taken : snapshot::read_pressure(home));
  o["capture"] = json::object{{"cost_us", us_since(t0)}, {"ts", unix_now()}, {"mode", "summary"}};
  if (taken != nullptr) o["capture"].as_object()["by"] = "guard";
  return o;
}

json::object pid_summary(const std::vector<std::int64_t> &pids, std::uint64_t cost_us) {
  return json::object{{"total", pids.size()}, {"cost_us", cost_us}};
}

// Summary mode delta from two pid censuses: appeared processes are looked up one by one (as
// many as are listed), exited ones are known by their pid only.
json::object pid_delta(const std::vector<std::int64_t> &before, const std::vector<std::int64_t> &after,
                       std::size_t max_listed) {
  std::vector<std::int64_t> appeared, exited;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(appeared));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(exited));
  snapshot::ProcessDelta delta;
  for (std::int64_t pid : appeared) {
    snapshot::ProcessInfo p;
    p.pid = pid;
    if (delta.appeared.size() < max_listed) {
      const rt_process_identity id = snapshot::read_process_identity(pid);
      if (id.exists) {  // else already gone again: its pid is all there is
        p.ppid = id.ppid;
        p.comm = id.comm;
        p.state = id.state;
      }
    }
    delta.appeared.push_back(std::move(p));
  }
  for (std::int64_t pid : exited) {
    snapshot::ProcessInfo p;
    p.pid = pid;
    delta.exited.push_back(std::move(p));
  }
  return delta.to_json(max_listed);
}

constexpr std::size_t kMaxListed = 200;


}  // namespace

JobSnapshots::JobSnapshots(SnapshotMode mode, std::filesystem::path home,
                           std::vector<std::string> disk_paths)
    : mode_(mode), home_(std::move(home)) {
  telemetry_options_.disk_paths = std::move(disk_paths);
  telemetry_options_.disk_paths.insert(telemetry_options_.disk_paths.begin(), home_.string());
}

JobBefore JobSnapshots::before(const snapshot::SystemPressure *guard_reading) {
  JobBefore b;
  if (mode_ == SnapshotMode::summary) {
    b.telemetry = pressure_telemetry(home_, guard_reading);
    const auto t0 = Clock::now();
    b.pids = snapshot::list_pids();
    b.process_summary = pid_summary(b.pids, us_since(t0));
    return b;
  }
  b.telemetry = telemetry_sampler_.capture(telemetry_options_);
  b.processes = process_sampler_.capture(snapshot::ProcessSnapshotOptions::stat_only_kept());
  b.process_summary = b.processes.summary();
  b.process_summary["cost_us"] = b.processes.cost_us;
  return b;
}

JobSnapshots::After JobSnapshots::after(JobBefore &&before) {
  After a;
  if (mode_ == SnapshotMode::summary) {
    json::object telemetry_after = pressure_telemetry(home_);
    const auto t0 = Clock::now();
    const std::vector<std::int64_t> pids = snapshot::list_pids();
    json::object summary_after = pid_summary(pids, us_since(t0));
    a.telemetry = json::object{{"before", std::move(before.telemetry)},
                               {"after", std::move(telemetry_after)}};
    a.processes = json::object{{"before", std::move(before.process_summary)},
                               {"after", std::move(summary_after)},
                               {"delta", pid_delta(before.pids, pids, kMaxListed)}};
    return a;
  }
  json::object telemetry_after = telemetry_sampler_.capture(telemetry_options_);
  const snapshot::ProcessSnapshot processes_after =
      process_sampler_.capture(snapshot::ProcessSnapshotOptions::stat_only_kept());
  json::object summary_after = processes_after.summary();
  summary_after["cost_us"] = processes_after.cost_us;
  summary_after["interval_ms"] = processes_after.interval_ms;
  a.telemetry = json::object{{"before", std::move(before.telemetry)},
                             {"after", std::move(telemetry_after)}};
  a.processes = json::object{{"before", std::move(before.process_summary)},
                             {"after", std::move(summary_after)},
                             {"delta", snapshot::diff(before.processes, processes_after).to_json(kMaxListed)}};
  return a;
}

json::object JobSnapshots::telemetry(const std::vector<std::string> &sections) {
  return telemetry_sampler_.capture(snapshot::select_sections(telemetry_options_, sections));
}

json::object JobSnapshots::processes(const snapshot::ProcessQuery &query) {
  snapshot::ProcessSnapshotOptions options;
  options.cmdline = query.cmdline || query.name.has_value();
  options.users = true;
  options.threads = 2;  // an on-demand scan may use the second core
  return snapshot::query_result(process_sampler_.capture(options), query);
}

}  // namespace runtimo::exec
