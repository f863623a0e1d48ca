// wal/recovery.hpp — torn-tail recovery of the current segment and learning the last seq
// (FORMAT.md, "Recovery"). Called by the writer with the append lock held.
#pragma once

#include "wal/journal.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace runtimo::wal::detail {

struct SegmentTail {
  std::uint64_t size = 0;                 // the segment's size after recovery
  std::optional<std::uint64_t> last_seq;  // seq of its last good line, if it has one
};

// Applies the recovery rule to the current segment (open read-write as `fd`): a damaged last
// line is copied to `corrupt_dir` and cut off, and `report` (if given) says so. Then finds
// the last line that passes the check, reading backwards. Throws JournalError.
SegmentTail recover_segment_tail(int fd, const std::filesystem::path &segment,
                                 const std::filesystem::path &corrupt_dir, RecoveryReport *report);

// The seq of the last good line of the segments of `dir` numbered below `number`, reading
// each backwards, newest first; nothing when none has one. Never modifies a file.
std::optional<std::uint64_t> last_seq_before(const std::filesystem::path &dir,
                                             std::uint64_t number);

}  // namespace runtimo::wal::detail
