// api/journal_retention.cpp — Runtime::collect_journal (`runtimo gc`): which old journal
// segments to remove by age and total size. Only a prefix of the journal goes (the oldest
// segments, up to the first that must stay), never the current segment, and never a segment
// still needed: one with an event of a job whose backups are still stored (undo reads its
// job.backup events), of a job still running, of an open session, or younger than the minimum
// age. gc.collected is appended before anything is removed, so the current segment holds the
// highest seq and no seq is ever reused; the job index notices the missing segments and
// rebuilds itself at its next catch-up.
#include <runtimo/runtime.hpp>

#include "backup/backup_store.hpp"
#include "util/json_members.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <set>

namespace runtimo {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// What gc needs to know of one segment.
struct SegmentFacts {
  fs::path path;
  std::uint64_t bytes = 0;
  std::int64_t last_event_s = 0;  // seconds since the epoch of its newest event
  std::set<std::string> jobs;
  std::set<std::string> sessions;
};

// "2026-11-28T04:06:26.123456Z" → seconds since the epoch (0 when malformed).
std::int64_t epoch_seconds(const std::string &ts) {
  std::tm tm{};
  if (ts.size() < 19 || ::strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace

json::value Runtime::collect_journal(const GcOptions &o, const std::set<std::string> &backups_collected) {
  const fs::path dir = journal_dir();
  std::vector<SegmentFacts> segments;
  for (const auto &p : wal::list_segments(dir)) {
    struct stat st {};
    segments.push_back(SegmentFacts{p, ::lstat(p.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0, 0, {}, {}});
  }
  std::map<fs::path, std::size_t> position;
  for (std::size_t i = 0; i < segments.size(); ++i) position[segments[i].path] = i;

  std::set<std::string> running, open_sessions;
  wal::read_journal(dir, [&](const wal::JournalRecord &r) {
    auto it = position.find(r.segment);
    if (it == position.end()) return true;
    SegmentFacts &s = segments[it->second];
    s.last_event_s = std::max(s.last_event_s, epoch_seconds(util::string_member(r.event, "ts")));
    const std::string type = util::string_member(r.event, "type");
    const std::string job = util::string_member(r.event, "job");
    const std::string session = util::string_member(r.event, "session");
    if (!job.empty()) s.jobs.insert(job);
    if (!session.empty()) s.sessions.insert(session);
    if (type == wal::event::started) running.insert(job);
    else if (wal::event::is_terminal(type)) running.erase(job);
    if (type == wal::event::session_created) open_sessions.insert(session);
    else if (type == wal::event::session_closed) open_sessions.erase(session);
    return true;
  });

  const backup::BackupStore store(home() / "backups");
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  // Why segment `s` must stay, or an empty string.
  auto must_stay = [&](const SegmentFacts &s) -> std::string {
    if (now - s.last_event_s < o.min_age.count()) return "it has events younger than the minimum age";
    for (const auto &id : s.sessions)
      if (open_sessions.contains(id)) return "session " + id + " is open";  // its jobs can be undone
    for (const auto &j : s.jobs) {
      if (running.contains(j)) return "job " + j + " is still running";
      if (store.has(j) && !backups_collected.contains(j)) return "the backups of job " + j + " are still stored";
    }
    return {};
  };

  std::uint64_t total = 0;
  for (const auto &s : segments) total += s.bytes;
  json::array removed;
  std::vector<fs::path> doomed;
  std::uint64_t removed_bytes = 0;
  json::value stopped_at = nullptr;
  // The current segment (the last) always stays.
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    const SegmentFacts &s = segments[i];
    const bool too_old = now - s.last_event_s >= o.journal_older_than.count();
    const bool over_size = total - removed_bytes > o.journal_max_bytes;
    if (!too_old && !over_size) break;
    if (const std::string why = must_stay(s); !why.empty()) {
      stopped_at = json::object{{"segment", s.path.filename().string()}, {"why", why}};
      break;
    }
    removed.push_back(json::object{{"segment", s.path.filename().string()}, {"bytes", s.bytes},
                                   {"age_s", now - s.last_event_s}, {"jobs", s.jobs.size()}});
    doomed.push_back(s.path);
    removed_bytes += s.bytes;
  }
  if (!o.dry_run && !doomed.empty()) {
    json::array names;
    for (const auto &r : removed) names.push_back(r.at("segment"));
    append_runtime_event(wal::event::gc_collected, json::object{{"segments", std::move(names)}, {"bytes", removed_bytes}});
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) throw std::system_error(errno, std::generic_category(), "open " + dir.string());
    for (const auto &p : doomed)
      if (::unlinkat(dfd, p.filename().c_str(), 0) != 0 && errno != ENOENT) {
        const int e = errno;
        ::close(dfd);
        throw std::system_error(e, std::generic_category(), "remove " + p.string());
      }
    ::fsync(dfd);
    ::close(dfd);
  }
  return json::object{{"removed", std::move(removed)}, {"removed_bytes", removed_bytes},
                      {"kept_segments", segments.size() - doomed.size()}, {"kept_bytes", total - removed_bytes},
                      {"stopped_at", std::move(stopped_at)}, {"dry_run", o.dry_run}};
}

}  // namespace runtimo
