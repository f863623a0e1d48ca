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
  const auto name = read_c_string(plugin.name, kMaxPluginNameBytes);
  if (!name) {
    reason = file + ": the plugin table has no name (NULL or longer than " +
             std::to_string(kMaxPluginNameBytes) + " bytes)";
    return false;
  }
  if (!is_valid_plugin_name(*name)) {
    reason = file + ": plugin name \"" + std::string(*name) +
             "\" is not valid: it must match [a-z0-9_]+";
    return false;
  }
  out.name = std::string(*name);
  const std::string who = file + ": plugin " + out.name;

  const auto version = read_c_string(plugin.version, kMaxVersionBytes);
  if (!version || version->empty()) {
    reason = who + " has no version string (NULL, empty or longer than " +
             std::to_string(kMaxVersionBytes) + " bytes)";
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

  std::map<std::string, std::string> seen;  // normalised name → spelling
  std::vector<LoadedCapability> capabilities;
  for (std::uint32_t i = 0; i < plugin.capability_count; ++i) {
    LoadedCapability capability;
    if (!read_capability(plugin.capabilities[i], i, out.name, path, verdicts, capability, reason)) {
      return false;
    }
    const auto [it, fresh] =
        seen.emplace(normalise_capability_name(capability.name), capability.name);
    if (!fresh) {
      reason = who + " offers the capability " + capability.name + " twice (as " + it->second +
               " and " + capability.name + "; names are compared ignoring case, '_' and '-')";
      return false;
    }
    capability.plugin_name = out.name;
    capability.plugin_version = out.version;
    capability.plugin_path = path;
    capabilities.push_back(std::move(capability));
  }
  out.capabilities = std::move(capabilities);
  return true;
}

}  // namespace runtimo::plugin
