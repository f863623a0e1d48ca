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

}  // namespace runtimo::snapshot
