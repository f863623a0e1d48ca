// plugin/plugin_table.cpp — the plugin-level table checks (see the header).
#include "plugin/plugin_table.hpp"

#include "plugin/capability_check.hpp"
#include "plugin/capability_names.hpp"

#include <map>

namespace runtimo::plugin {
namespace {

constexpr std::size_t kMaxPluginNameBytes = 64;
constexpr std::size_t kMaxVersionBytes = 64;

}  // namespace

bool check_plugin_table(const rt_plugin *table, const std::filesystem::path &path,
                        schema::MetaVerdicts *verdicts, CheckedPlugin &out, std::string &reason) {
  rt_plugin plugin;
  if (!read_plugin_header(table, path, plugin, out.abi, reason)) return false;

  const std::string file = path.string();
  std::string problem;
  const auto name = read_c_string(plugin.name, kMaxPluginNameBytes, problem);
  if (!name) {
    reason = file + ": the plugin name " + problem;
    return false;
  }
  if (!is_valid_plugin_name(*name)) {
    reason = file + ": plugin name \"" + std::string(*name) +
             "\" is not valid: it must match [a-z0-9_]+";
    return false;
  }
  out.name = std::string(*name);
  const std::string who = file + ": plugin " + out.name;

  const auto version = read_c_string(plugin.version, kMaxVersionBytes, problem);
  if (!version || version->empty()) {
    reason = who + " has no version string (" + (version ? "it is empty" : "it " + problem) + ")";
    return false;
  }
  out.version = std::string(*version);

  if (plugin.capability_count == 0 || plugin.capability_count > kMaxCapabilitiesPerPlugin) {
    reason = who + " declares " + std::to_string(plugin.capability_count) +
             " capabilities: it must offer 1 to " + std::to_string(kMaxCapabilitiesPerPlugin);
    return false;
  }
  if (plugin.capabilities == nullptr) {
    reason = who + " declares " + std::to_string(plugin.capability_count) +
             " capabilities but its capability array is NULL";
    return false;
  }

  // Every capability is checked, so that `runtimo plugin check` can report on each; the
  // first problem is the plugin's.
  std::map<std::string, std::string> seen;  // normalised name → spelling
  std::vector<LoadedCapability> capabilities;
  std::string first_problem;
  for (std::uint32_t i = 0; i < plugin.capability_count; ++i) {
    LoadedCapability capability;
    CapabilityReport report;
    std::string problem;
    const bool valid = read_capability(plugin.capabilities[i], i, out.name, path, verdicts,
                                       capability, problem, report.problem);
    report.name = capability.name;
    report.flags = capability.flags;
    if (valid) {
      const auto [it, fresh] =
          seen.emplace(normalise_capability_name(capability.name), capability.name);
      if (!fresh) {
        const std::string twice = " twice (as " + it->second + " and " + capability.name +
                                  "; names are compared ignoring case, '_' and '-')";
        report.problem = "offered" + twice;
        problem = who + " offers the capability " + capability.name + twice;
      }
    }
    if (first_problem.empty()) first_problem = std::move(problem);
    out.reports.push_back(std::move(report));
    if (!valid) continue;
    capability.plugin_name = out.name;
    capability.plugin_version = out.version;
    capability.plugin_path = path;
    capabilities.push_back(std::move(capability));
  }
  if (!first_problem.empty()) {
    reason = std::move(first_problem);
    return false;
  }
  out.capabilities = std::move(capabilities);
  return true;
}

}  // namespace runtimo::plugin
