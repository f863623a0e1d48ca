// wal/index_catch_up.hpp — bringing the job index's state up to the journal (FORMAT.md, "The
// job index"): deciding whether what was indexed is still the journal (else the index is
// rebuilt), and indexing the lines appended since.
#pragma once

#include "wal/index_state.hpp"
#include "wal/journal_dir.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::wal::detail {

// The segments of `wal` as one catch-up sees them: names in order and an lstat of each
// (nothing for one removed since the listing), taken once and used by both steps below.
struct SegmentListing {
  std::vector<SegmentFile> files;
  std::vector<std::optional<struct stat>> stats;
};
SegmentListing list_for_index(const JournalDir &wal);

// Why the part of the journal `state` covers is no longer what was indexed — a segment gone,
// replaced, shrunk, turned into a link, or its last indexed line changed — or empty when it
// still is.
std::string stale_reason(const IndexState &state, const JournalDir &wal,
                         const SegmentListing &listing);

// Indexes every complete line past what `state` covers, in journal order: bucket records
// written to `index` (flushed as they accumulate), `state` advanced (segments, seen seqs,
// highest seq, bucket counts, open jobs with their job.started details). Does not write the
// meta file. Returns the number of lines read.
std::uint64_t index_new_lines(IndexState &state, const JournalDir &wal,
                              const SegmentListing &listing, const JournalDir &index);

}  // namespace runtimo::wal::detail
