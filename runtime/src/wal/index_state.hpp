// wal/index_state.hpp — what the job index knows about the journal (FORMAT.md, "The job
// index"), and its meta file: how far each segment is indexed (and the identity and last
// indexed line that prove the segment is still the one indexed), the seqs seen, the highest
// seq, each bucket's record count and the open jobs.
//
// The meta file is two slot files, meta-a and meta-b, written alternately in place: each
// holds a header line (generation, length, CRC-32C of the body) and the state as JSON (for a
// person to read; only this code reads it back). A reader takes the valid slot of the highest
// generation, so a write torn by a crash leaves the previous state readable: the update is
// atomic. Why not temp file + rename: every catch-up would allocate an inode and replace a
// file, which on ext4 also starts writeback of the new one (auto_da_alloc) — ~300 µs of the
// ~100 µs a catch-up of a few events may cost. Overwriting blocks in place allocates nothing.
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
inline constexpr std::string_view kIndexMetaSlots[] = {"meta-a", "meta-b"};

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
  std::uint64_t generation = 0;  // of the meta slot it was read from or last written to
  std::uint64_t wal_dev = 0;
  std::uint64_t wal_ino = 0;
  std::vector<IndexedSegment> segments;  // in segment order, the first ones of the journal
  std::uint64_t max_seq = 0;
  SeqSet seen;  // seqs of the lines indexed (valid lines only), to skip duplicates
  std::vector<std::uint64_t> bucket_records = std::vector<std::uint64_t>(kIndexBuckets, 0);
  std::map<std::string, OpenJob> open_jobs;
};

// The newest state in `index`'s meta slots; nothing when there is none, or it is unreadable or
// of another format (the index is then rebuilt): `why` says which. When its generation is
// `known_generation`, `state` is left as it is (already the newest) and true returned.
bool read_index_state(const JournalDir &index, IndexState &state, std::string &why,
                      std::uint64_t known_generation);

// Writes `state` with the next generation into the older slot (no fsync: the index is
// derived), and sets state.generation.
void write_index_state(const JournalDir &index, IndexState &state);

// Removes both slots (a rebuild starts from nothing).
void remove_index_state(const JournalDir &index);

}  // namespace runtimo::wal::detail
