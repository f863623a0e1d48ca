// snapshot/process_identity.hpp — one process's identity read from /proc/<pid>/stat without
// scanning /proc (the snapshot provider's single-pid lookup).
#pragma once

#include <runtimo/abi.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace runtimo::snapshot {

// Fills every field of rt_process_identity (struct_size set to sizeof). exists = 0 when the
// process is gone (ENOENT/ESRCH), never an error for that.
rt_process_identity read_process_identity(std::int64_t pid);

// Parses the text of /proc/<pid>/stat (comm may contain spaces and parentheses). nullopt when
// malformed. uid is left 0.
std::optional<rt_process_identity> parse_proc_stat(std::string_view text);

// What the process snapshot takes from /proc/<pid>/stat: the identity and, from the same line,
// the CPU time, thread count and memory (fields 14, 15, 20, 23 and 24 of proc(5)).
struct ProcStatFields {
  rt_process_identity identity{};  // as parse_proc_stat (uid left 0)
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::int64_t num_threads = 0;
  std::uint64_t vsize_bytes = 0;
  std::int64_t rss_pages = 0;
};

// The same parser as parse_proc_stat, reading on to field 24 (rss); nullopt when malformed or
// shorter than 24 fields.
std::optional<ProcStatFields> parse_proc_stat_fields(std::string_view text);

}  // namespace runtimo::snapshot
