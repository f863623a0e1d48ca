// wal/segment_scan.hpp — one segment read front to back into records and problems; the
// common core of read_journal and verify_journal (FORMAT.md, "Reading").
#pragma once

#include "wal/journal.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

namespace runtimo::wal::detail {

// Carried from one segment to the next: seq must increase across segments too.
struct ScanState {
  std::optional<std::uint64_t> last_seq;
};

// Reports every line of `segment` as a record or a problem, in file order. Returns false when
// `on_record` asked to stop. Throws JournalError when the segment cannot be opened or read.
bool scan_segment(const std::filesystem::path &segment, ScanState &state,
                  const std::function<bool(const JournalRecord &)> &on_record,
                  const std::function<void(const JournalProblem &)> &on_problem);

}  // namespace runtimo::wal::detail
