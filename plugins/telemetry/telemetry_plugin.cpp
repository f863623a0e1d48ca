// plugins/telemetry/telemetry_plugin.cpp — the Telemetry capability (libcap_telemetry.so): the
// machine's state now — host, CPU, memory, pressure stall information, disks, network
// counters, listening ports, GPUs — with the sections to capture selectable.
//
// The capture is the host's snapshot provider (rt_host_api.telemetry, ABI 1.1): /proc, /sys,
// statvfs and NVML, no subprocess. The plugin owns the capability's contract and its one-line
// summary. It is read-only and a rescue capability (it runs while the resource guard refuses
// others: looking is how an agent decides what to do about the pressure).
#include <runtimo/sdk.hpp>

#include <cstdio>
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

// "cpu 12.5%, memory 80.1% available, load/cpu 0.30" from what the capture holds.
std::string summary_of(const boost::json::object &t) {
  std::string out;
  char buf[96];
  const auto add = [&](const char *text) { out += (out.empty() ? "" : ", ") + std::string(text); };
  if (const auto *cpu = t.if_contains("cpu")) {
    const auto &c = cpu->as_object();
    if (const auto *u = c.if_contains("utilisation_pct"); u && u->is_number()) {
      std::snprintf(buf, sizeof buf, "cpu %.1f%%", u->to_number<double>());
      add(buf);
    }
    if (const auto *l = c.if_contains("load_per_cpu"); l && l->is_number()) {
      std::snprintf(buf, sizeof buf, "load/cpu %.2f", l->to_number<double>());
      add(buf);
    }
  }
  if (const auto *mem = t.if_contains("memory")) {
    if (const auto *a = mem->as_object().if_contains("available_pct"); a && a->is_number()) {
      std::snprintf(buf, sizeof buf, "memory %.1f%% available", a->to_number<double>());
      add(buf);
    }
  }
  if (const auto *disks = t.if_contains("disks"); disks && disks->is_array()) {
    std::snprintf(buf, sizeof buf, "%zu filesystems", disks->as_array().size());
    add(buf);
  }
  if (const auto *ports = t.if_contains("ports"); ports && ports->is_array()) {
    std::snprintf(buf, sizeof buf, "%zu listening ports", ports->as_array().size());
    add(buf);
  }
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
    const std::string request = sections != nullptr ? boost::json::serialize(*sections) : "[]";
    std::string json;
    if (const rt_status st = job.telemetry(request, &json); st != RT_OK) return st;
    boost::json::value result = boost::json::parse(json);
    const std::string message = summary_of(result.as_object());
    return job.output(result, message);
  }
};

}  // namespace
}  // namespace runtimo::telemetry

RUNTIMO_PLUGIN("telemetry", "1.0.0", runtimo::telemetry::Telemetry)
