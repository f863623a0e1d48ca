// cli/cmd_capabilities.cpp — `runtimo list`, `runtimo describe CAP`, `runtimo plugins`.
#include "cli.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <iostream>

namespace runtimo::cli {
namespace {

std::string join(const std::vector<std::string> &items, const std::string &sep) {
  std::string s;
  for (const auto &i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

int cmd_list(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  const auto vm = parse(args, opts, {});
  if (vm.count("help")) return print_help(out, "runtimo list [--json]", opts), Exit::ok;
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::inspect, code);
  if (!rt) return code;
  const auto caps = rt->list();
  if (common.json) {
    boost::json::array a;
    for (const auto &c : caps) {
      auto v = c.to_json();
      v.as_object().erase("schema");
      a.push_back(std::move(v));
    }
    out.json(a);
    return Exit::ok;
  }
  std::size_t width = 4;
  for (const auto &c : caps) width = std::max(width, c.name.size());
  out.line(std::to_string(caps.size()) + " capabilities:");
  for (const auto &c : caps)
    out.line("  " + pad(c.name, width + 2) + c.description + "  [" + join(c.flags, ", ") + "]");
  return Exit::ok;
}

int cmd_describe(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()("capability", po::value<std::string>(), "capability name");
  po::positional_options_description pos;
  pos.add("capability", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help")) return print_help(out, "runtimo describe CAP [--json]", opts), Exit::ok;
  if (!vm.count("capability")) return usage_error("describe", "which capability? e.g. runtimo describe Kill");
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::inspect, code);
  if (!rt) return code;
  const std::string name = vm["capability"].as<std::string>();
  const auto info = rt->describe(name);
  if (!info) {
    const auto s = rt->suggest(name);
    std::cerr << "runtimo describe: unknown capability \"" << name << "\"\n  hint: "
              << (s.empty() ? "" : "did you mean " + join(s, ", ") + "? ")
              << "`runtimo list` shows every capability\n";
    return Exit::usage;
  }
  if (common.json) {
    out.json(info->to_json());
    return Exit::ok;
  }
  out.line(info->name + " — " + info->description);
  out.line("  plugin:  " + info->plugin + " " + info->plugin_version + " (" +
           info->plugin_path.string() + ")");
  out.line("  flags:   " + join(info->flags, ", "));
  out.line("  schema:  " + boost::json::serialize(info->schema));
  return Exit::ok;
}

int cmd_plugins(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  const auto vm = parse(args, opts, {});
  if (vm.count("help")) return print_help(out, "runtimo plugins [--json]", opts), Exit::ok;
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::inspect, code);
  if (!rt) return code;
  const auto plugins = rt->plugins();
  if (common.json) {
    boost::json::array a;
    for (const auto &p : plugins) a.push_back(p.to_json());
    out.json(a);
    return Exit::ok;
  }
  std::size_t loaded = 0;
  for (const auto &p : plugins) loaded += p.loaded ? 1 : 0;
  out.line(std::to_string(loaded) + " loaded, " + std::to_string(plugins.size() - loaded) +
           " rejected");
  for (const auto &p : plugins) {
    if (p.loaded)
      out.line("  loaded    " + p.name + " " + p.version + " (ABI " + p.abi + ") " +
               p.path.string() + ": " + join(p.capabilities, ", "));
    else
      out.line("  REJECTED  " + p.path.string() + "\n            " + p.reason);
  }
  return Exit::ok;
}

}  // namespace runtimo::cli
