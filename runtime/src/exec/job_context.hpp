// exec/job_context.hpp — the host side of one job: what the rt_job handle passed to plugins
// points to. Owns the job's context (id, dry-run, deadline, working dir), the result the
// plugin reports through the host API, and the arena that keeps strings handed to the plugin
// alive until the job ends.
#pragma once

#include "plugin/plugin_registry.hpp"

#include <runtimo/abi.h>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

namespace runtimo::wal {
class JournalWriter;
}
namespace runtimo::policy {
class PathPolicy;
class ProcessPolicy;
}  // namespace runtimo::policy

namespace runtimo::exec {
class RunningJobs;
class JobSnapshots;
class ResourceGuard;

// What every job of a Runtime shares. All members are thread-safe to use concurrently.
struct Services {
  const plugin::PluginRegistry *registry = nullptr;
  wal::JournalWriter *journal = nullptr;
  const policy::PathPolicy *paths = nullptr;
  const policy::ProcessPolicy *processes = nullptr;
  RunningJobs *running = nullptr;  // markers of executing jobs (may be null)
  JobSnapshots *snapshots = nullptr;      // before/after snapshots, on-demand scans (may be null)
  const ResourceGuard *guard = nullptr;   // refuses non-RESCUE jobs under pressure (may be null)
  std::uint64_t max_output_bytes = 4096;
  std::chrono::milliseconds default_deadline{30000};
};

}  // namespace runtimo::exec

// The definition of the opaque handle declared in abi.h.
struct rt_job {
  std::string id;
  std::string session;
  std::string working_dir;
  bool dry_run = false;
  std::chrono::steady_clock::time_point deadline;
  const runtimo::plugin::LoadedCapability *capability = nullptr;
  const runtimo::exec::Services *services = nullptr;

  // Reported by the plugin.
  bool has_output = false;
  boost::json::value output;
  std::string message;
  rt_status error_status = RT_OK;
  std::string error_message;
  std::string error_hint;

  // Strings returned to the plugin through rt_str stay here until the job ends.
  std::deque<std::string> arena;
  rt_str keep(std::string text) {
    arena.push_back(std::move(text));
    return rt_str{arena.back().c_str(), arena.back().size()};
  }
  void clear_error() {
    error_status = RT_OK;
    error_message.clear();
    error_hint.clear();
  }
};
