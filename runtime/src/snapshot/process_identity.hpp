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

// Where a process's argument and environment strings lie in its memory (fields 48-51 of
// proc(5)). All 0 when the kernel hides them (the reader may not ptrace-read the process), for
// zombies and kernel threads, and on kernels before 3.5.
struct ArgumentArea {
  std::uint64_t arg_start = 0;
  std::uint64_t arg_end = 0;
  std::uint64_t env_start = 0;
  std::uint64_t env_end = 0;
};

// What the process snapshot takes from /proc/<pid>/stat: the identity and, from the same line,
// the CPU time, thread count and memory (fields 14, 15, 20, 23 and 24 of proc(5)) and the
// argument area.
struct ProcStatFields {
  rt_process_identity identity{};  // as parse_proc_stat (uid left 0)
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::int64_t num_threads = 0;
  std::uint64_t vsize_bytes = 0;
  std::int64_t rss_pages = 0;
  ArgumentArea argument_area;  // fields 48-51
};

// The same parser as parse_proc_stat, reading on to field 24 (rss) and, with
// `argument_area`, to field 51 (env_end); nullopt when malformed or shorter than 24 fields.
// Fields 25-51 are optional.
std::optional<ProcStatFields> parse_proc_stat_fields(std::string_view text, bool argument_area = true);

}  // namespace runtimo::snapshot
