// wal/index_buckets.hpp — the job index's record files (FORMAT.md, "The job index"): one
// fixed-size record per indexed event that belongs to a job, in 256 files chosen by the job
// id's hash, each in journal order. A lookup reads one bucket (1/256 of the records) and
// keeps the records whose hash is the job's.
//
// Records are written at the position the meta file's count says (pwrite), never appended
// blindly: records a crash left past that count (written, then no meta) are truncated away
// the next time their bucket is written, and never read, since a lookup reads only the
// counted records. Native byte order: the index is local and derived.
#pragma once

#include "wal/journal_dir.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::wal::detail {

struct BucketRecord {
  std::uint64_t job_hash = 0;
  std::uint64_t seq = 0;
  std::uint64_t offset = 0;   // of the line in its segment
  std::uint32_t segment = 0;  // index into IndexState::segments
  std::uint32_t length = 0;   // of the line, its '\n' included
};
static_assert(sizeof(BucketRecord) == 32);

// FNV-1a, 64 bits: stable across builds and machines (std::hash is not promised to be).
std::uint64_t job_hash(std::string_view job);
std::size_t bucket_of(std::uint64_t hash);
std::string bucket_file_name(std::size_t bucket);

// Records collected during a catch-up, written bucket by bucket.
class BucketWriter {
 public:
  explicit BucketWriter(const JournalDir &index) : index_(index), pending_(256) {}
  void add(const BucketRecord &record);
  std::size_t pending() const { return pending_count_; }
  // Writes the pending records after the `counts[b]` records each bucket holds, and adds to
  // `counts`. Throws JournalError.
  void flush(std::vector<std::uint64_t> &counts);

 private:
  const JournalDir &index_;
  std::vector<std::vector<BucketRecord>> pending_;
  std::size_t pending_count_ = 0;
};

// The first `count` records of `bucket`; false when the file holds fewer (the index is stale).
bool read_bucket(const JournalDir &index, std::size_t bucket, std::uint64_t count,
                 std::vector<BucketRecord> &out);

// Removes every bucket file (a rebuild starts from nothing).
void remove_buckets(const JournalDir &index);

}  // namespace runtimo::wal::detail
