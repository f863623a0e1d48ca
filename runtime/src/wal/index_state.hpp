// wal/index_state.hpp — what the job index knows about the journal (FORMAT.md, "The job
// index"), and its meta file: how far each segment is indexed (and the identity and last
// indexed line that prove the segment is still the one indexed), the seqs seen, the highest
// seq, each bucket's record count and the open jobs.
//
// The meta file is replaced atomically (written to a temporary name, then renamed), so a
// reader sees the old state or the new one. It is JSON so that a person can read it; it is
// only ever read back by this code.
#pragma once

#include "wal/journal_dir.hpp"
#include "wal/journal_index.hpp"
#include "wal/seq_order.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::wal::detail {

inline constexpr int kIndexFormat = 1;
inline constexpr std::size_t kIndexBuckets = 256;
inline constexpr std::string_view kIndexMetaName = "meta.json";

struct IndexedSegment {
  std::string number;
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t end = 0;          // indexed up to here: just past a '\n'
  std::uint64_t last_offset = 0;  // the last indexed line is [last_offset, end)
  std::uint32_t last_crc = 0;     // CRC-32C of those bytes
  bool refused = false;           // a symlink or not a regular file when indexed: skipped
};

struct IndexState {
  std::uint64_t wal_dev = 0;
  std::uint64_t wal_ino = 0;
  std::vector<IndexedSegment> segments;  // in segment order, the first ones of the journal
  std::uint64_t max_seq = 0;
  SeqSet seen;  // seqs of the lines indexed (valid lines only), to skip duplicates
  std::vector<std::uint64_t> bucket_records = std::vector<std::uint64_t>(kIndexBuckets, 0);
  std::map<std::string, OpenJob> open_jobs;
};

// The state in `index`'s meta file; nothing when it is missing, unreadable or of another
// format (the index is then rebuilt). `why` says which.
std::optional<IndexState> read_index_state(const JournalDir &index, std::string &why);

// Replaces the meta file with `state` (temp file + rename; no fsync: the index is derived).
void write_index_state(const JournalDir &index, const IndexState &state);

}  // namespace runtimo::wal::detail
