// plugin/capability_flags.hpp — the names of the RT_CAP_* flag bits, as every listing shows
// them (`runtimo list`, `describe`, `plugin check`, the MCP tool list).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace runtimo::plugin {

// read_only, destructive, idempotent, mutates_files, spawns, rescue, serial: the names of the
// bits set in `flags`, in that order (unknown bits are not named).
std::vector<std::string> capability_flag_names(std::uint32_t flags);

}  // namespace runtimo::plugin
