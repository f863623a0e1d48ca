// cli/cmd_gc.cpp — `runtimo gc [--older-than D] [--max-bytes B] [--journal-older-than D]
// [--journal-max-bytes B] [--dry-run] [--json]`: retention of the backups under <home>/backups
// (Runtime::collect_backups), then of the journal's old segments (Runtime::collect_journal),
// with the defaults of the config's "retention" section.
#include "cli.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <optional>
#include <set>

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
      ("journal-older-than", po::value<std::string>(), "then remove the journal segments whose newest event is older than this (default: retention.journal_max_age_days)")
      ("journal-max-bytes", po::value<std::string>(), "and the oldest segments while the journal takes more than this (default: retention.journal_max_bytes)")
      ("dry-run", "say what would be removed, remove nothing");
  const auto vm = parse(args, opts, {});
  if (vm.count("help"))
    return print_help(out, "runtimo gc [--older-than D] [--max-bytes B] [--journal-older-than D] [--journal-max-bytes B] [--dry-run] [--json]", opts), Exit::ok;
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::run, code);
  if (!rt) return code;
  Runtime::GcOptions o;
  o.older_than = std::chrono::seconds(config_int(rt->config(), "backups_max_age_days", 30) * 86400);
  o.max_bytes = static_cast<std::uint64_t>(config_int(rt->config(), "backups_max_bytes", 10ll << 30));
  o.min_age = std::chrono::seconds(config_int(rt->config(), "backups_min_age_hours", 24) * 3600);
  o.journal_older_than = std::chrono::seconds(config_int(rt->config(), "journal_max_age_days", 90) * 86400);
  o.journal_max_bytes = static_cast<std::uint64_t>(config_int(rt->config(), "journal_max_bytes", 1ll << 30));
  o.dry_run = vm.count("dry-run") > 0;
  for (const auto &[flag, target] : {std::pair{"older-than", &o.older_than}, std::pair{"journal-older-than", &o.journal_older_than}})
    if (vm.count(flag)) {
      const auto d = parse_duration(vm[flag].as<std::string>());
      if (!d) return usage_error("gc", std::string("--") + flag + " takes a duration such as 30d, 12h, 90m or 45s");
      *target = *d;
    }
  for (const auto &[flag, target] : {std::pair{"max-bytes", &o.max_bytes}, std::pair{"journal-max-bytes", &o.journal_max_bytes}})
    if (vm.count(flag)) {
      const auto b = parse_bytes(vm[flag].as<std::string>());
      if (!b) return usage_error("gc", std::string("--") + flag + " takes a size such as 10G, 500M, 64K or a number of bytes");
      *target = *b;
    }
  boost::json::object report = rt->collect_backups(o).as_object();
  std::set<std::string> collected;
  for (const auto &r : report.at("removed").as_array()) collected.insert(std::string(r.at("job").as_string()));
  report["journal"] = rt->collect_journal(o, collected);
  report["empty_cgroups_removed"] = rt->collect_job_cgroups(o.dry_run);
  if (common.json) {
    out.json(report);
  } else {
    const auto &r = report;
    const auto &j = r.at("journal").as_object();
    auto n = [](const boost::json::value &v) { return std::to_string(v.to_number<std::uint64_t>()); };
    out.line(std::string(o.dry_run ? "would remove " : "removed ") + std::to_string(r.at("removed").as_array().size()) +
             " job(s)' backups (" + n(r.at("removed_bytes")) + " bytes); kept " + n(r.at("kept")) + " (" + n(r.at("kept_bytes")) +
             " bytes), " + std::to_string(r.at("protected").as_array().size()) + " of them protected (young, or in an open session)");
    std::string journal = std::string(o.dry_run ? "would remove " : "removed ") + std::to_string(j.at("removed").as_array().size()) +
                          " journal segment(s) (" + n(j.at("removed_bytes")) + " bytes); kept " + n(j.at("kept_segments")) + " (" +
                          n(j.at("kept_bytes")) + " bytes)";
    if (const auto &stop = j.at("stopped_at"); stop.is_object())
      journal += "; stopped at " + std::string(stop.at("segment").as_string()) + ": " + std::string(stop.at("why").as_string());
    out.line(journal);
    if (const auto n = r.at("empty_cgroups_removed").to_number<std::uint64_t>(); n > 0)
      out.line(std::string(o.dry_run ? "would remove " : "removed ") + std::to_string(n) + " empty job cgroup(s) of detached commands");
  }
  return Exit::ok;
}

}  // namespace runtimo::cli
