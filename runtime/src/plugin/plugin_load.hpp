// plugin/plugin_load.hpp — the one sequence that turns a plugin file into a checked table,
// run by the probe process first and, once the probe passed, by the host.
//
// Owns: the order dlopen (RTLD_NOW | RTLD_LOCAL, the file's constructors run here) → entry
// symbol → call the entry (the only plugin function called at load) → table and capability
// checks, and the stage markers a probe reports as it goes, so that a crash can be placed
// ("in dlopen()", "in runtimo_plugin_entry()", "while the host read its plugin table").
// The probe and the host share this code, so the probe tests exactly what the host will do.
#pragma once

#include "plugin/plugin_table.hpp"
#include "schema/meta_verdicts.hpp"

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace runtimo::plugin {

// Where a load was when it died, in order.
enum class LoadStage : char { dlopen = 'o', entry = 'e', table = 't' };

struct PluginLoad {
  boost::dll::shared_library library;  // loaded whenever library.is_loaded(), also on failure
  CheckedPlugin checked;               // what the table said (partial on failure)
  std::string reason;                  // empty on success; names the file otherwise
};

// Runs the sequence on `file`. `at_stage` (may be empty) is called as each stage begins.
// Returns true when the table passed every check. Never throws; a crash or exit inside the
// plugin is the caller's to survive (see probe_process.hpp).
bool load_plugin(const std::filesystem::path &file, schema::MetaVerdicts *verdicts, PluginLoad &out,
                 const std::function<void(LoadStage)> &at_stage = {});

}  // namespace runtimo::plugin
