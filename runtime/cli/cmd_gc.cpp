// cli/cmd_gc.cpp — `runtimo gc [--older-than D] [--max-bytes B] [--dry-run] [--json]`: retention
// of the backups under <home>/backups (Runtime::collect_backups), with the defaults of the
// config's "retention" section.
#include "cli.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <optional>

namespace runtimo::cli {
namespace {

// "30d", "12h", "90m", "45s" or a number of seconds.
std::optional<std::chrono::seconds> parse_duration(const std::string &text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception &) {
    return std::nullopt;
  }
  if (n < 0) return std::nullopt;
  const std::string unit = text.substr(used);
  const long long factor = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (factor == 0) return std::nullopt;
  return std::chrono::seconds(n * factor);
}

// "10G", "500M", "64K" or a number of bytes.
std::optional<std::uint64_t> parse_bytes(const std::string &text) {
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    if (text.empty() || text[0] == '-') return std::nullopt;
    n = std::stoull(text, &used);
  } catch (const std::exception &) {
    return std::nullopt;
  }
  const std::string unit = text.substr(used);
  const unsigned long long factor = unit.empty() ? 1 : unit == "K" ? 1ull << 10 : unit == "M" ? 1ull << 20 : unit == "G" ? 1ull << 30 : unit == "T" ? 1ull << 40 : 0;
  if (factor == 0) return std::nullopt;
  return n * factor;
}

std::int64_t config_int(const boost::json::value &config, const char *key, std::int64_t fallback) {
  const auto *r = config.is_object() ? config.get_object().if_contains("retention") : nullptr;
  const auto *v = r != nullptr && r->is_object() ? r->get_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_int64() ? v->get_int64() : fallback;
}

}  // namespace

int cmd_gc(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()
      ("older-than", po::value<std::string>(), "remove the backups of jobs older than this (30d, 12h, 90m; default: config retention.backups_max_age_days)")
      ("max-bytes", po::value<std::string>(), "then remove the oldest until all backups take at most this (10G, 500M; default: retention.backups_max_bytes)")
      ("dry-run", "say what would be removed, remove nothing");
  const auto vm = parse(args, opts, {});
  if (vm.count("help"))
    return print_help(out, "runtimo gc [--older-than D] [--max-bytes B] [--dry-run] [--json]", opts), Exit::ok;
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::run, code);
  if (!rt) return code;
  Runtime::GcOptions o;
  o.older_than = std::chrono::seconds(config_int(rt->config(), "backups_max_age_days", 30) * 86400);
  o.max_bytes = static_cast<std::uint64_t>(config_int(rt->config(), "backups_max_bytes", 10ll << 30));
  o.min_age = std::chrono::seconds(config_int(rt->config(), "backups_min_age_hours", 24) * 3600);
  o.dry_run = vm.count("dry-run") > 0;
  if (vm.count("older-than")) {
    const auto d = parse_duration(vm["older-than"].as<std::string>());
    if (!d) return usage_error("gc", "--older-than takes a duration such as 30d, 12h, 90m or 45s");
    o.older_than = *d;
  }
  if (vm.count("max-bytes")) {
    const auto b = parse_bytes(vm["max-bytes"].as<std::string>());
    if (!b) return usage_error("gc", "--max-bytes takes a size such as 10G, 500M, 64K or a number of bytes");
    o.max_bytes = *b;
  }
  const boost::json::value report = rt->collect_backups(o);
  if (common.json) {
    out.json(report);
  } else {
    const auto &r = report.as_object();
    out.line(std::string(o.dry_run ? "would remove " : "removed ") + std::to_string(r.at("removed").as_array().size()) +
             " job(s)' backups (" + std::to_string(r.at("removed_bytes").to_number<std::uint64_t>()) + " bytes); kept " +
             std::to_string(r.at("kept").to_number<std::uint64_t>()) + " (" + std::to_string(r.at("kept_bytes").to_number<std::uint64_t>()) +
             " bytes), " + std::to_string(r.at("protected").as_array().size()) + " of them protected (young, or in an open session)");
  }
  return Exit::ok;
}

}  // namespace runtimo::cli
