// api/plugin_check.cpp — runtimo::check_plugin_file: one file through the loader's own checks,
// its load in a probe process, and its exported symbols (see runtimo/plugin_check.hpp).
#include <runtimo/plugin_check.hpp>

#include "plugin/capability_flags.hpp"
#include "plugin/elf_header.hpp"
#include "plugin/elf_symbols.hpp"
#include "plugin/plugin_directory.hpp"
#include "plugin/plugin_permissions.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/probe_process.hpp"
#include "util/utf8.hpp"

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <algorithm>
#include <system_error>

namespace runtimo {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// How many of the extra exports a warning quotes.
constexpr std::size_t kQuotedExports = 3;

std::string export_warning(const std::vector<std::string> &extra) {
  std::string quoted;
  for (std::size_t i = 0; i < extra.size() && i < kQuotedExports; ++i)
    quoted += (i == 0 ? "" : ", ") + extra[i];
  if (extra.size() > kQuotedExports)
    quoted += ", and " + std::to_string(extra.size() - kQuotedExports) + " more";
  return "it exports " + std::to_string(extra.size()) + " symbol" + (extra.size() == 1 ? "" : "s") +
         " besides " RT_PLUGIN_ENTRY_SYMBOL " (" + quoted +
         "), which may bind to another plugin's or the host's: build it with -fvisibility=hidden "
         "and the export map sdk/cmake/runtimo_plugin.map (runtimo_add_plugin does both)";
}

void read_exports(PluginCheck &check) {
  plugin::ExportedSymbols symbols = plugin::read_exported_symbols(check.file);
  if (!symbols.readable) {
    check.warnings.push_back("cannot list its exported symbols: " + symbols.problem);
    return;
  }
  for (std::string &name : symbols.names)
    if (name != RT_PLUGIN_ENTRY_SYMBOL) check.extra_exports.push_back(std::move(name));
  if (!check.extra_exports.empty()) check.warnings.push_back(export_warning(check.extra_exports));
}

void take_verdict(PluginCheck &check, const plugin::ProbeVerdict &verdict) {
  check.probe = std::string(plugin::to_string(verdict.outcome));
  check.loads = verdict.outcome == plugin::ProbeOutcome::passed;
  check.reason = verdict.reason;
  if (verdict.abi.major != 0 || verdict.abi.minor != 0)
    check.abi = std::to_string(verdict.abi.major) + "." + std::to_string(verdict.abi.minor);
  check.name = verdict.name;
  check.version = verdict.version;
  for (const plugin::CapabilityReport &report : verdict.capabilities)
    check.capabilities.push_back(
        {report.name, plugin::capability_flag_names(report.flags), report.problem});
}

}  // namespace

PluginCheck check_plugin_file(const fs::path &file, const PluginCheckOptions &options) {
  PluginCheck check;
  std::error_code ec;
  // dlopen() searches the library path for a name without a '/': never let it.
  check.file = fs::absolute(file, ec).lexically_normal();
  if (ec) check.file = file;
  if (auto problem = plugin::not_a_plugin_file(check.file)) {
    check.reason = std::move(*problem);
    return check;
  }
  check.is_file = true;
  std::chrono::milliseconds timeout = options.probe_timeout;
  if (timeout.count() <= 0)
    timeout = options.use_environment
                  ? plugin::probe_timeout_from_environment(plugin::kDefaultProbeTimeout)
                  : plugin::kDefaultProbeTimeout;

  const auto not_elf = plugin::elf_file_problem(check.file);
  if (!not_elf) read_exports(check);
  plugin::FileIdentity identity;
  if (auto problem = plugin::PermissionCheck::file_problem(check.file, identity)) {
    check.reason = std::move(*problem);
  } else if (not_elf) {
    check.reason = *not_elf;
  } else {
    take_verdict(check, plugin::probe_plugins({check.file}, nullptr, timeout).front());
  }
  return check;
}

json::value PluginCheck::to_json() const {
  const auto text = [](const std::string &s) { return json::string(util::repair_utf8(s)); };
  json::object o{{"file", text(file.string())}, {"loads", loads}};
  if (!reason.empty()) o["reason"] = text(reason);
  if (!probe.empty()) o["probe"] = probe;
  if (!abi.empty()) o["abi"] = abi;
  if (!name.empty()) o["name"] = name;
  if (!version.empty()) o["version"] = text(version);
  json::array caps;
  for (const Capability &c : capabilities) {
    json::array flags(c.flags.begin(), c.flags.end());
    json::object cap{{"name", c.name}, {"flags", std::move(flags)}, {"ok", c.problem.empty()}};
    if (!c.problem.empty()) cap["problem"] = text(c.problem);
    caps.push_back(std::move(cap));
  }
  o["capabilities"] = std::move(caps);
  json::array exports;
  for (const std::string &s : extra_exports) exports.push_back(text(s));
  o["extra_exports"] = std::move(exports);
  json::array warns;
  for (const std::string &w : warnings) warns.push_back(text(w));
  o["warnings"] = std::move(warns);
  return o;
}

}  // namespace runtimo
