// cli/cmd_plugin_check.cpp — `runtimo plugin check FILE`: would this file load as a plugin?
// Loads it only in a probe process (runtimo::check_plugin_file), never in the command itself.
// Exit 0: it would load; 1: it would be rejected (the reason is printed); 2: usage (no file,
// not a regular file).
#include "cli.hpp"

#include <runtimo/abi.h>
#include <runtimo/plugin_check.hpp>

#include <stdexcept>

namespace runtimo::cli {
namespace {

std::string join(const std::vector<std::string> &items) {
  std::string s;
  for (const auto &i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

void print_check(const Output &out, const PluginCheck &check) {
  out.line(check.file.string() + ": " + (check.loads ? "would load" : "would be rejected"));
  if (!check.loads) out.line("  reason: " + check.reason);
  if (!check.name.empty() || !check.abi.empty())
    out.line("  plugin " + (check.name.empty() ? "(unnamed)" : check.name) +
             (check.version.empty() ? "" : " " + check.version) +
             (check.abi.empty() ? "" : ", ABI " + check.abi));
  for (std::size_t i = 0; i < check.capabilities.size(); ++i) {
    const auto &c = check.capabilities[i];
    out.line("  capability " + (c.name.empty() ? "#" + std::to_string(i) : c.name) + " [" +
             join(c.flags) + "]: " + (c.problem.empty() ? "OK (schema valid)" : c.problem));
  }
  if (check.probe == "passed" || !check.extra_exports.empty())
    out.line(std::string("  exports: " RT_PLUGIN_ENTRY_SYMBOL) +
             (check.extra_exports.empty()
                  ? std::string(" only")
                  : " and " + std::to_string(check.extra_exports.size()) + " more"));
  for (const auto &w : check.warnings) out.line("  warning: " + w);
}

}  // namespace

int cmd_plugin(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()("action", po::value<std::string>(), "check")("file", po::value<std::string>(),
                                                                  "the plugin file to check");
  po::positional_options_description pos;
  pos.add("action", 1).add("file", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help"))
    return print_help(out, "runtimo plugin check FILE [--json]", opts), Exit::ok;
  if (!vm.count("action") || vm["action"].as<std::string>() != "check")
    return usage_error("plugin",
                       "the only action is `check`, e.g. runtimo plugin check ./libcap_x.so");
  if (!vm.count("file"))
    return usage_error("plugin", "which file? e.g. runtimo plugin check ./libcap_x.so");
  const bool json = vm.count("json") > 0;
  PluginCheck check;
  try {
    check = check_plugin_file(vm["file"].as<std::string>());
  } catch (const std::invalid_argument &e) {
    return usage_error("plugin", e.what());
  }
  if (!check.is_file) {
    if (json) out.json(check.to_json());
    return usage_error("plugin", check.reason);
  }
  if (json)
    out.json(check.to_json());
  else
    print_check(out, check);
  return check.loads ? Exit::ok : Exit::failed;
}

}  // namespace runtimo::cli
