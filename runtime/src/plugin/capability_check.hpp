// plugin/capability_check.hpp — checking one rt_capability a plugin offers and turning it
// into a LoadedCapability.
//
// Owns: the size-prefixed read of rt_capability (at least the ABI 1.0 size, never more than
// this host knows), the rules for its fields (name pattern, non-empty description, args_schema
// that parses as JSON and passes CompiledSchema::compile, validate and execute present, only
// known flag bits), and the messages that name the capability, its plugin and the file.
// Only reads data: no plugin function is called.
#pragma once

#include "plugin/plugin_registry.hpp"
#include "schema/meta_verdicts.hpp"

#include <runtimo/abi.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::plugin {

// Checks capability number `index` (0-based) of plugin `plugin_name`. On success fills `out`
// except the plugin provenance fields; otherwise returns false with `reason` (naming the file,
// the plugin and the capability) and `detail` (the same without them: "args_schema is not valid
// JSON (…)"), and `out.flags` and `out.name` hold what could be read before the problem (the
// name once it was valid). `verdicts` (may be null) remembers schemas that passed the
// meta-schema.
bool read_capability(const rt_capability *capability, std::size_t index,
                     std::string_view plugin_name, const std::filesystem::path &path,
                     schema::MetaVerdicts *verdicts, LoadedCapability &out, std::string &reason,
                     std::string &detail);

}  // namespace runtimo::plugin
