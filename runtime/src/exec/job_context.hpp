// exec/job_context.hpp — the host side of one job as plugins reach it through rt_job handles:
// the services every job shares, the job's context (id, dry-run, deadline, working dir), the
// phase it is in, what the plugin reported, and the arena that keeps strings handed to the
// plugin alive until the job ends.
//
// A plugin never holds a pointer to a Job: it holds an rt_job handle (job_handles.hpp), which
// the host closes when the plugin call returns, so a handle kept by a stray thread is refused
// instead of reaching freed memory or writing after the job's terminal event.
#pragma once

#include "backup/backup_store.hpp"
#include "plugin/plugin_registry.hpp"

#include <runtimo/abi.h>
#include <runtimo/job.hpp>

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <vector>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace runtimo::wal {
class JournalWriter;
}
namespace runtimo::config {
struct SpawnSettings;
}
namespace runtimo::policy {
class PathPolicy;
class ProcessPolicy;
}  // namespace runtimo::policy

namespace runtimo::exec {
class JobSnapshots;
class ResourceGuard;
class WorkerPool;
class JournalBounds;

// Who runs jobs: written into every job.started so that liveness can be derived from the
// journal (exec/runner_lock.hpp).
struct RunnerIdentity {
  std::string id;  // the runner lock's name under <home>/run
  std::int64_t pid = 0;
  std::uint64_t start_time = 0;  // clock ticks after boot, field 22 of /proc/<pid>/stat
};

// What every job of a Runtime shares. All members are thread-safe to use concurrently.
struct Services {
  const plugin::PluginRegistry *registry = nullptr;
  wal::JournalWriter *journal = nullptr;
  const policy::PathPolicy *paths = nullptr;
  const policy::ProcessPolicy *processes = nullptr;
  JobSnapshots *snapshots = nullptr;     // before/after snapshots, on-demand scans (may be null)
  const ResourceGuard *guard = nullptr;  // refuses non-RESCUE jobs under pressure (may be null)
  const JournalBounds *bounds = nullptr;  // keeps every journal line under its maximum
  WorkerPool *workers = nullptr;          // runs plugin calls (supervised, or in process)
  backup::BackupStore *backups = nullptr;  // pre-images of what jobs mutate (may be null)
  const config::SpawnSettings *spawn = nullptr;  // the spawn service's settings (null: defaults)
  // One job's journal events, oldest first (the job index; for undo). May be empty.
  std::function<std::vector<boost::json::value>(std::string_view job)> job_events;
  RunnerIdentity runner;
  std::chrono::milliseconds default_deadline{30000};
};

// The pre-images one job has taken through the write service: the first of each path, in the
// order taken (undo restores them in reverse).
struct JobBackups {
  std::mutex mutex;  // one write-service call of a job at a time
  std::vector<backup::PreImage> taken;
  std::map<std::string, std::size_t> by_path;  // resolved path -> index in `taken`
  // What the job's host copied or wrote, so it is not read again (file_sha256, the end's
  // after-state). Every mutation of a path updates or forgets its entry.
  backup::KnownDigests known;
};

// Which plugin function the job's handle is lent to. set_output and wal_event belong to
// execute; validate may only look and refuse.
enum class JobPhase { validate, execute };

struct Job {
  // Context: set before the handle is opened, constant afterwards.
  std::string id;
  std::string session;
  std::string working_dir;
  bool dry_run = false;
  std::chrono::steady_clock::time_point deadline;
  const plugin::LoadedCapability *capability = nullptr;
  const Services *services = nullptr;
  const boost::json::value *args = nullptr;  // the parsed arguments (rt_host_api.arg)
  const std::atomic<bool> *cancel = nullptr;  // set when the job is cancelled (may be null)
  const std::function<void(const JobEvent &)> *observer = nullptr;  // may be null or empty
  const std::vector<std::filesystem::path> *roots = nullptr;         // narrowing (may be null)
  JobPhase phase = JobPhase::validate;

  // Reported by the plugin, guarded by `mutex` (a plugin may call from several threads).
  std::mutex mutex;
  bool has_output = false;
  boost::json::value output;
  std::string message;
  rt_status error_status = RT_OK;
  std::string error_message;
  std::string error_hint;

  JobBackups backups;
  // Set when job.started was appended lazily (RT_CAP_HOST_WRITES): the first host call that
  // changes the machine makes it durable first (make_start_durable in host_call_support).
  std::atomic<bool> start_not_durable{false};

  // Strings returned to the plugin through rt_str stay here until the job ends.
  std::deque<std::string> arena;
  rt_str keep(std::string text) {
    std::lock_guard lock(mutex);
    arena.push_back(std::move(text));
    return rt_str{arena.back().c_str(), arena.back().size()};
  }
  bool cancelled() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
  void tell(std::string_view kind, std::string_view message, const boost::json::value *data = nullptr) const {
    if (observer != nullptr && *observer) (*observer)(JobEvent{kind, id, message, data});
  }
  void clear_error() {
    std::lock_guard lock(mutex);
    error_status = RT_OK;
    error_message.clear();
    error_hint.clear();
  }
};

}  // namespace runtimo::exec
