// api/retention.cpp — Runtime::collect_backups (`runtimo gc`): which jobs' pre-images to remove
// from <home>/backups by age and total size, never those of young jobs or of jobs in open
// sessions, and the gc.collected event that records what was removed; and the empty job
// cgroups detached commands left behind.
#include <runtimo/runtime.hpp>

#include "backup/backup_store.hpp"
#include "spawn/orphaned_commands.hpp"
#include "util/ids.hpp"
#include "wal/event_types.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <set>

namespace runtimo {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;


struct Stored {
  std::string job;
  std::uint64_t bytes = 0;
  std::int64_t age_s = 0;  // since its backups were last written (the job's directory's mtime)
};

}  // namespace

json::value Runtime::collect_backups(const GcOptions &o) {
  const fs::path root = home() / "backups";
  const backup::BackupStore store(root);
  std::set<std::string> in_open_session;
  for (const auto &s : sessions())
    if (s.closed.empty()) in_open_session.insert(s.jobs.begin(), s.jobs.end());

  std::vector<Stored> candidates;
  json::array protected_jobs;
  std::uint64_t total = 0;
  const auto now = std::chrono::system_clock::now();
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(root, ec)) {
    const std::string job = entry.path().filename().string();
    struct stat st {};
    if (!util::is_id(job) || ::lstat(entry.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    Stored s{job, store.bytes(job),
             std::chrono::duration_cast<std::chrono::seconds>(now - std::chrono::system_clock::from_time_t(st.st_mtime)).count()};
    total += s.bytes;
    if (in_open_session.contains(job)) protected_jobs.push_back(json::object{{"job", job}, {"why", "its session is open"}});
    else if (s.age_s < o.min_age.count()) protected_jobs.push_back(json::object{{"job", job}, {"why", "younger than the minimum age"}});
    else candidates.push_back(s);
  }
  std::sort(candidates.begin(), candidates.end(), [](const Stored &a, const Stored &b) { return a.age_s > b.age_s; });

  json::array removed;
  std::uint64_t removed_bytes = 0;
  std::size_t kept = 0;
  for (const Stored &s : candidates) {
    if (s.age_s < o.older_than.count() && total - removed_bytes <= o.max_bytes) {
      ++kept;
      continue;
    }
    if (!o.dry_run) store.remove(s.job);
    removed.push_back(json::object{{"job", s.job}, {"bytes", s.bytes}, {"age_s", s.age_s}});
    removed_bytes += s.bytes;
  }
  if (!o.dry_run && !removed.empty()) {
    json::array jobs;
    for (const auto &r : removed) jobs.push_back(r.at("job"));
    append_runtime_event(wal::event::gc_collected, json::object{{"jobs", std::move(jobs)}, {"bytes", removed_bytes}});
  }
  return json::object{{"removed", std::move(removed)}, {"removed_bytes", removed_bytes}, {"kept", kept + protected_jobs.size()},
                      {"kept_bytes", total - removed_bytes}, {"protected", std::move(protected_jobs)}, {"dry_run", o.dry_run}};
}

std::size_t Runtime::collect_job_cgroups(bool dry_run) {
  return spawn::remove_stale_job_cgroups(std::chrono::seconds(60), dry_run);
}

}  // namespace runtimo
