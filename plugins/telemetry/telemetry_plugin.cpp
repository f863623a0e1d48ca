// plugins/telemetry/telemetry_plugin.cpp — the Telemetry capability (libcap_telemetry.so): the
// machine's state now — host, CPU, memory, pressure stall information, disks, network
// counters, listening ports, GPUs — with the sections to capture selectable.
//
// The capture is the host's snapshot provider (rt_host_api.telemetry, ABI 1.1): /proc, /sys,
// statvfs and NVML, no subprocess. The plugin owns the capability's contract and its one-line
// summary. It is read-only and a rescue capability (it runs while the resource guard refuses
// others: looking is how an agent decides what to do about the pressure).
#include <runtimo/sdk.hpp>

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>

namespace runtimo::telemetry {
namespace {

using sdk::Job;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Telemetry",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "sections": {
      "type": "array", "uniqueItems": true, "maxItems": 8,
      "items": {"enum": ["host", "cpu", "memory", "pressure", "disks", "network", "ports", "gpus"]},
      "description": "The sections to capture; all when absent or empty."
    }
  }
})";

// capture[section][key] when the capture holds that number.
std::optional<double> number_in(const boost::json::object &capture, const char *section,
                                const char *key) {
  const auto *s = capture.if_contains(section);
  const auto *v = s != nullptr && s->is_object() ? s->as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_number() ? std::optional(v->to_number<double>()) : std::nullopt;
}

std::size_t entries_in(const boost::json::object &capture, const char *section) {
  const auto *s = capture.if_contains(section);
  return s != nullptr && s->is_array() ? s->as_array().size() : 0;
}

// "cpu 12.5%, memory 80.1% available, load/cpu 0.30, 3 filesystems, 5 listening ports" from
// whatever sections the capture holds.
std::string summary_of(const boost::json::object &capture) {
  std::string out;
  const auto add = [&](const std::string &part) { out += (out.empty() ? "" : ", ") + part; };
  const auto add_number = [&](const char *format, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    add(buf);
  };
  const auto add_count = [&](std::size_t n, const char *noun) {
    add(std::to_string(n) + " " + noun + (n == 1 ? "" : "s"));
  };
  if (const auto cpu = number_in(capture, "cpu", "utilisation_pct")) {
    const auto *since_boot = capture.at("cpu").as_object().if_contains("since_boot");
    const bool first = since_boot != nullptr && since_boot->is_bool() && since_boot->as_bool();
    add_number(first ? "cpu %.1f%% since boot" : "cpu %.1f%%", *cpu);
  }
  if (const auto mem = number_in(capture, "memory", "available_pct"))
    add_number("memory %.1f%% available", *mem);
  if (const auto load = number_in(capture, "cpu", "load_per_cpu"))
    add_number("load/cpu %.2f", *load);
  if (capture.contains("disks")) add_count(entries_in(capture, "disks"), "filesystem");
  if (capture.contains("ports")) add_count(entries_in(capture, "ports"), "listening port");
  if (const std::size_t gpus = entries_in(capture, "gpus"); gpus > 0) add_count(gpus, "GPU");
  return out.empty() ? "telemetry captured" : out;
}

struct Telemetry {
  static constexpr const char *name = "Telemetry";
  static constexpr const char *description =
      "The machine's state now: host, CPU use and load, memory and swap, pressure stall "
      "information, disk space, network counters, listening ports and GPUs, read from /proc "
      "and /sys; choose sections to keep it short";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT | RT_CAP_RESCUE;

  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }

  static rt_status execute(Job &job, const boost::json::object &args) {
    const auto *sections = args.if_contains("sections");
    boost::json::object capture;
    const std::string request = sections != nullptr ? boost::json::serialize(*sections) : "[]";
    if (const rt_status st = job.telemetry(request, &capture); st != RT_OK) return st;
    return job.output(capture, summary_of(capture));
  }
};

}  // namespace
}  // namespace runtimo::telemetry

RUNTIMO_PLUGIN("telemetry", "1.0.0", runtimo::telemetry::Telemetry)
