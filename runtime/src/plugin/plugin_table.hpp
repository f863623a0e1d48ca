// plugin/plugin_table.hpp — everything the host learns from one plugin's table, checked.
//
// Owns: the order of the table checks (ABI header first, then the plugin's name, version and
// capability array, then each capability) and the rule that a plugin may not offer two
// capabilities with the same normalised name. Reads data only; no plugin function is called.
#pragma once

#include "plugin/abi_header.hpp"
#include "plugin/plugin_registry.hpp"

#include <runtimo/abi.h>

#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::plugin {

// What the checks said about one capability of the table.
struct CapabilityReport {
  std::string name;        // empty when the name itself was unusable
  std::uint32_t flags = 0;
  std::string problem;     // empty when the capability passed every check
};

struct CheckedPlugin {
  AbiVersion abi;                              // filled once the version header was read
  std::string name;                            // filled once the name was checked
  std::string version;                         // filled once the version was checked
  std::vector<LoadedCapability> capabilities;  // complete, provenance included, on success
  std::vector<CapabilityReport> reports;       // one per capability, once the array was read
};

// At most this many capabilities per plugin.
inline constexpr std::uint32_t kMaxCapabilitiesPerPlugin = 256;

// Checks `table`, what the entry function of the file `path` returned. Returns false with
// `reason` naming the file on the first problem; `out` then holds whatever was learnt (every
// capability is checked and reported even after one failed).
// `verdicts` (may be null): see read_capability.
bool check_plugin_table(const rt_plugin *table, const std::filesystem::path &path,
                        schema::MetaVerdicts *verdicts, CheckedPlugin &out, std::string &reason);

}  // namespace runtimo::plugin
