// wal/journal_index.cpp — JournalIndex: the index directory and its lock, catching up or
// rebuilding, and lookups that re-check every line they return; see journal_index.hpp.
//
// Locks: flock on <index>/LOCK — exclusive while the index is caught up or rebuilt, shared
// while a lookup reads bucket files. A writer that catches the index up holds the journal's
// append lock first (JournalWriter::under_lock): append lock, then index lock, never the
// other way round.
#include "wal/journal_index.hpp"

#include "wal/index_buckets.hpp"
#include "wal/index_catch_up.hpp"
#include "wal/index_state.hpp"
#include "wal/segment_names.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>

namespace runtimo::wal {

namespace {

using detail::FileDescriptor;
using detail::JournalDir;

std::uint64_t seq_of(const boost::json::object &event) {
  const boost::json::value &seq = event.at("seq");
  return seq.is_uint64() ? seq.get_uint64() : static_cast<std::uint64_t>(seq.get_int64());
}

}  // namespace

struct JournalIndex::Impl {
  std::filesystem::path wal_path;
  std::optional<JournalDir> index;
  FileDescriptor lock_fd;
  detail::IndexState state;
  bool loaded = false;  // `state` is the meta slot of generation state.generation
  CatchUpReport report;

  std::filesystem::path lock_path() const { return index->path_of("LOCK"); }

  // Makes `state` the newest meta slot's (parsed only when its generation changed). False
  // (with `why`) when there is no usable meta slot.
  bool refresh(std::string &why) {
    loaded = detail::read_index_state(*index, state, why, loaded ? state.generation : 0);
    return loaded;
  }

  void save() {
    detail::write_index_state(*index, state);
    loaded = true;
  }

  void rebuild(const std::optional<JournalDir> &wal, const detail::SegmentListing &listing,
               std::string why) {
    report.rebuilt = true;
    report.rebuild_reason = std::move(why);
    loaded = false;
    detail::remove_index_state(*index);  // a crash mid-rebuild leaves no meta: rebuilt again
    detail::remove_buckets(*index);
    state = detail::IndexState{};
    if (wal) {
      struct stat st {};
      if (::fstat(wal->fd(), &st) != 0) detail::throw_errno("stat", wal->path(), errno);
      state.wal_dev = st.st_dev;
      state.wal_ino = st.st_ino;
      report.lines_read = detail::index_new_lines(state, *wal, listing, *index);
    }
    save();
  }

  // With the exclusive lock held.
  void catch_up_locked(bool force_rebuild) {
    report = CatchUpReport{};
    auto wal = JournalDir::open_existing(wal_path);
    auto listing = wal ? detail::list_for_index(*wal) : detail::SegmentListing{};
    std::string why;
    if (force_rebuild) {
      rebuild(wal, listing, "a looked-up record did not match its journal line");
    } else if (!refresh(why)) {
      rebuild(wal, listing, why);
    } else if (!wal) {
      if (!state.segments.empty() || state.wal_ino != 0)
        rebuild(wal, listing, "the journal is gone");
    } else if (std::string stale = detail::stale_reason(state, *wal, listing); !stale.empty()) {
      rebuild(wal, listing, stale);
    } else {
      std::size_t segments_before = state.segments.size();
      report.lines_read = detail::index_new_lines(state, *wal, listing, *index);
      if (report.lines_read > 0 || state.segments.size() != segments_before) save();
    }
  }

  void catch_up(bool force_rebuild) {
    detail::FileLock lock(lock_fd.get(), LOCK_EX, lock_path());
    try {
      catch_up_locked(force_rebuild);
    } catch (...) {
      loaded = false;  // `state` may be half advanced: read the meta slots again next time
      throw;
    }
  }

  // The job's events from the buckets, each line re-read and checked. False when a record
  // does not match its line (the index is stale), unless `lenient`: then it is skipped.
  bool lookup(std::string_view job, bool lenient, std::vector<JournalRecord> &out) {
    out.clear();
    detail::FileLock lock(lock_fd.get(), LOCK_SH, lock_path());
    std::string why;
    if (!refresh(why)) return lenient;
    const std::uint64_t hash = detail::job_hash(job);
    const std::size_t bucket = detail::bucket_of(hash);
    std::vector<detail::BucketRecord> records;
    if (!detail::read_bucket(*index, bucket, state.bucket_records[bucket], records)) return lenient;
    auto wal = JournalDir::open_existing(wal_path);
    std::map<std::uint32_t, FileDescriptor> fds;
    std::string line;
    for (const auto &record : records) {
      if (record.job_hash != hash) continue;
      if (!wal || record.segment >= state.segments.size()) return lenient;
      const std::string name = detail::segment_file_name(state.segments[record.segment].number);
      auto &fd = fds[record.segment];
      if (!fd.valid()) fd = wal->open_if_exists(name, O_RDONLY);
      JournalRecord found;
      bool ok = fd.valid();
      if (ok) {
        try {
          detail::pread_exact(fd.get(), record.offset, record.length, line, wal->path_of(name));
        } catch (const JournalError &) {
          ok = false;  // shrank
        }
      }
      ok = ok && !line.empty() && line.back() == '\n';
      if (ok) line.pop_back();
      ok = ok && check_line(line, &found.event).empty() && seq_of(found.event) == record.seq;
      if (ok) {
        const auto &id = found.event.at("job").get_string();
        if (std::string_view(id.data(), id.size()) != job) {
          if (detail::job_hash(std::string_view(id.data(), id.size())) == hash) continue;
          ok = false;  // another job's hash collision is fine; a different line is not
        }
      }
      if (!ok) {
        if (lenient) continue;
        return false;
      }
      found.segment = wal->path_of(name);
      found.offset = record.offset;
      found.seq = record.seq;
      out.push_back(std::move(found));
    }
    return true;
  }
};

JournalIndex::JournalIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JournalIndex::~JournalIndex() = default;

std::unique_ptr<JournalIndex> JournalIndex::open(const std::filesystem::path &wal_dir,
                                                 const std::filesystem::path &index_dir) {
  if (wal_dir.empty() || index_dir.empty()) {
    throw JournalError(
        "cannot open the job index: the journal or the index directory is not given");
  }
  auto impl = std::make_unique<Impl>();
  impl->wal_path = wal_dir;
  impl->index = JournalDir::create(index_dir);
  impl->lock_fd = impl->index->open_regular("LOCK", O_RDWR | O_CREAT);
  impl->catch_up(false);
  return std::unique_ptr<JournalIndex>(new JournalIndex(std::move(impl)));
}

void JournalIndex::catch_up() {
  impl_->catch_up(false);
}

std::vector<JournalRecord> JournalIndex::job_events(std::string_view job) {
  std::vector<JournalRecord> events;
  if (impl_->lookup(job, false, events)) return events;
  // A record that does not match the journal: the index is stale in a way the catch-up's
  // checks could not see (an in-place edit of an older segment). Rebuild, look up again.
  impl_->catch_up(true);
  impl_->lookup(job, true, events);
  return events;
}

std::vector<OpenJob> JournalIndex::open_jobs() const {
  std::vector<OpenJob> jobs;
  for (const auto &[id, job] : impl_->state.open_jobs) jobs.push_back(job);
  std::sort(jobs.begin(), jobs.end(),
            [](const OpenJob &a, const OpenJob &b) { return a.started_seq < b.started_seq; });
  return jobs;
}

std::uint64_t JournalIndex::max_seq() const {
  return impl_->state.max_seq;
}

const CatchUpReport &JournalIndex::last_catch_up() const {
  return impl_->report;
}

}  // namespace runtimo::wal
