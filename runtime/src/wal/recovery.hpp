// wal/recovery.hpp — torn-tail recovery of the current segment and learning the highest seq
// (FORMAT.md, "Recovery" and "Seq"). Called by the writer with the append lock held.
#pragma once

#include "wal/journal.hpp"
#include "wal/journal_dir.hpp"

#include <cstdint>

namespace runtimo::wal::detail {

// Applies the recovery rule to `segment` of `wal` (open read-write as `fd`): bytes after its
// last '\n' are copied to `corrupt` and cut off, and `report` (if given) says so. Returns the
// segment's size afterwards. Throws JournalError.
std::uint64_t cut_torn_tail(int fd, const JournalDir &wal, const SegmentFile &segment,
                            const JournalDir &corrupt, RecoveryReport *report);

// The highest seq of the lines of `segment` from `from_offset` on: every line whose
// {"seq":N, prefix parses counts, damaged lines included (0 when none). Never modifies a file.
std::uint64_t highest_seq_in(const JournalDir &wal, const SegmentFile &segment,
                             std::uint64_t from_offset);

}  // namespace runtimo::wal::detail
