// wal/index_catch_up.cpp — staleness and indexing of new lines; see index_catch_up.hpp.
#include "wal/index_catch_up.hpp"

#include "wal/crc32c.hpp"
#include "wal/event_types.hpp"
#include "wal/index_buckets.hpp"
#include "wal/line_check.hpp"
#include "wal/segment_scan.hpp"

#include <boost/json/object.hpp>

#include "wal/segment_names.hpp"

#include <fcntl.h>

#include <algorithm>
#include <map>

namespace runtimo::wal::detail {

namespace {

std::uint32_t crc_of_line(std::string_view text) {
  Crc32c crc;
  crc.update(text);
  crc.update('\n');
  return crc.value();
}

// Where a job.started line is, to read its details once the catch-up knows the job is open.
struct StartedLine {
  std::size_t segment = 0;
  std::uint64_t offset = 0;
  std::size_t length = 0;
};

// Fills capability and runner of `job` from its job.started line.
void read_started_details(const JournalDir &wal, const IndexState &state, const StartedLine &where,
                          OpenJob &job) {
  std::string name = segment_file_name(state.segments[where.segment].number);
  FileDescriptor fd = wal.open_regular(name, O_RDONLY);
  std::string line;
  pread_exact(fd.get(), where.offset, where.length, line, wal.path_of(name));
  boost::json::object event;
  if (!check_line(line, &event).empty()) return;  // changed since it was indexed: no details
  if (const auto *cap = event.if_contains("capability"); cap && cap->is_string()) {
    job.capability = std::string(cap->get_string());
  }
  if (const auto *runner = event.if_contains("runner"); runner && runner->is_object()) {
    job.runner = runner->get_object();
  }
}

}  // namespace

SegmentListing list_for_index(const JournalDir &wal) {
  SegmentListing listing;
  listing.files = wal.segments();
  for (const auto &file : listing.files) listing.stats.push_back(wal.stat_of(file.name));
  return listing;
}

std::string stale_reason(const IndexState &state, const JournalDir &wal,
                         const SegmentListing &listing) {
  struct stat dir_stat {};
  if (::fstat(wal.fd(), &dir_stat) != 0) throw_errno("stat", wal.path(), errno);
  if (dir_stat.st_dev != state.wal_dev || dir_stat.st_ino != state.wal_ino) {
    return "the journal directory is not the one indexed";
  }
  std::string line;
  for (std::size_t i = 0; i < state.segments.size(); ++i) {
    const IndexedSegment &indexed = state.segments[i];
    const std::string name = segment_file_name(indexed.number);
    if (i >= listing.files.size() || listing.files[i].number != indexed.number) {
      return "the journal's segments changed (" + name + " is gone or another came before it)";
    }
    const auto &st = listing.stats[i];
    if (!st) return "segment " + name + " is gone";
    bool refused = !wal.refusal_for(name, *st).empty();
    if (refused != indexed.refused) return "segment " + name + " changed kind";
    if (refused) continue;
    if (st->st_dev != indexed.dev || st->st_ino != indexed.ino) {
      return "segment " + name + " was replaced";
    }
    if (static_cast<std::uint64_t>(st->st_size) < indexed.end) {
      return "segment " + name + " shrank below what was indexed";
    }
    // The boundary line shows an in-place rewrite of the same file. An older segment that
    // kept exactly its indexed size is not read: a same-size edit there (lines swapped) is
    // caught by the lookups, which re-check every line they return.
    const bool last = i + 1 == state.segments.size();
    if (indexed.end == 0 || (!last && static_cast<std::uint64_t>(st->st_size) == indexed.end)) {
      continue;
    }
    FileDescriptor fd = wal.open_regular(name, O_RDONLY);
    pread_exact(fd.get(), indexed.last_offset, indexed.end - indexed.last_offset, line,
                wal.path_of(name));
    if (line.back() != '\n' ||
        crc_of_line(std::string_view(line).substr(0, line.size() - 1)) != indexed.last_crc) {
      return "the last indexed line of segment " + name + " changed";
    }
  }
  return {};
}

std::uint64_t index_new_lines(IndexState &state, const JournalDir &wal,
                              const SegmentListing &listing, const JournalDir &index) {
  BucketWriter buckets(index);
  std::map<std::string, StartedLine, std::less<>> started;  // open jobs started this catch-up
  std::uint64_t lines = 0;
  LineHead head;
  for (std::size_t i = 0; i < listing.files.size(); ++i) {
    const SegmentFile &file = listing.files[i];
    const auto &st = listing.stats[i];
    if (i == state.segments.size()) {
      IndexedSegment fresh;
      fresh.number = file.number;
      if (st) {
        fresh.dev = st->st_dev;
        fresh.ino = st->st_ino;
        fresh.refused = !wal.refusal_for(file.name, *st).empty();
        if (fresh.refused) fresh.dev = fresh.ino = 0;
      }
      state.segments.push_back(std::move(fresh));
    }
    IndexedSegment &indexed = state.segments[i];
    if (indexed.refused) continue;
    // No open for a segment with nothing new (every one but the current, usually).
    if (st && static_cast<std::uint64_t>(st->st_size) == indexed.end) continue;
    auto on_line = [&](const SegmentLine &line) {
      ++lines;
      if (auto seq = peek_seq(line.text)) state.max_seq = std::max(state.max_seq, *seq);
      indexed.last_offset = line.offset;
      indexed.end = line.offset + line.text.size() + 1;
      indexed.last_crc = crc_of_line(line.text);
      // Damaged lines and duplicates are skipped, as read_journal skips them.
      if (!check_line_head(line.text, head).empty() || !state.seen.insert(head.seq)) return true;
      if (head.job.empty()) return true;
      const std::uint64_t hash = job_hash(head.job);
      buckets.add(BucketRecord{hash, head.seq, line.offset, static_cast<std::uint32_t>(i),
                               static_cast<std::uint32_t>(line.text.size() + 1)});
      if (buckets.pending() >= (1u << 18)) buckets.flush(state.bucket_records);  // 8 MiB
      if (head.type == event::started) {
        std::string job(head.job);
        state.open_jobs[job] = OpenJob{job, head.seq, {}, {}};
        started[job] = StartedLine{i, line.offset, line.text.size()};
      } else if (event::is_terminal(head.type)) {
        if (auto it = state.open_jobs.find(std::string(head.job)); it != state.open_jobs.end()) {
          state.open_jobs.erase(it);
        }
        if (auto it = started.find(head.job); it != started.end()) started.erase(it);
      }
      return true;
    };
    scan_segment_lines(wal, file, indexed.end, on_line, {});
  }
  buckets.flush(state.bucket_records);
  // Details only for the jobs still open: a rebuild parses a few lines, not every job.started.
  for (const auto &[job, where] : started) {
    read_started_details(wal, state, where, state.open_jobs.at(job));
  }
  return lines;
}

}  // namespace runtimo::wal::detail
