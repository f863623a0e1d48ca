// server/mcp_catalog.cpp — see mcp_catalog.hpp.
#include "server/mcp_catalog.hpp"

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <cctype>

namespace runtimo::server {
namespace {

namespace json = boost::json;

constexpr std::string_view kScheme = "runtimo://";

json::object text_contents(std::string_view uri, const json::value &v) {
  return json::object{{"uri", uri}, {"mimeType", "application/json"}, {"text", json::serialize(v)}};
}

}  // namespace

std::string tool_name(std::string_view capability) {
  std::string out;
  for (std::size_t i = 0; i < capability.size(); ++i) {
    const auto c = static_cast<unsigned char>(capability[i]);
    if (std::isupper(c) && i > 0) {
      const auto prev = static_cast<unsigned char>(capability[i - 1]);
      const bool next_lower = i + 1 < capability.size() && std::islower(static_cast<unsigned char>(capability[i + 1]));
      if (std::islower(prev) || std::isdigit(prev) || (std::isupper(prev) && next_lower)) out += '_';
    }
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

json::object tool_of(const CapabilityInfo &c) {
  const std::uint32_t f = c.flag_bits;
  return json::object{
      {"name", tool_name(c.name)},
      {"title", c.name},
      {"description", c.description},
      {"inputSchema", c.schema},
      // Any call may be run as a task (2025-11-25): its task id is its job's id.
      {"execution", json::object{{"taskSupport", "optional"}}},
      {"annotations", json::object{{"title", c.name},
                                   {"readOnlyHint", (f & RT_CAP_READ_ONLY) != 0},
                                   {"destructiveHint", (f & RT_CAP_DESTRUCTIVE) != 0},
                                   {"idempotentHint", (f & RT_CAP_IDEMPOTENT) != 0},
                                   {"openWorldHint", false}}}};
}

json::object call_result(const JobResult &r) {
  json::value structured = r.to_json();
  // What the model needs, without the before/after snapshots (hundreds of tokens on every
  // call, the same on most): those stay in the journal, runtimo://jobs/{job_id}. Processes
  // that appeared or exited during the job, and a guard's reading, are kept.
  json::object &o = structured.get_object();
  o.erase("telemetry");
  o.erase("wal_seq");
  json::value delta;
  if (const auto *p = o.if_contains("processes"); p != nullptr && p->is_object())
    if (const auto *d = p->get_object().if_contains("delta")) delta = *d;
  const auto counted = [&](const char *key) {
    const auto *n = delta.is_object() ? delta.get_object().if_contains(key) : nullptr;
    return n != nullptr && n->is_number() && n->to_number<double>() != 0;
  };
  if (counted("appeared_count") || counted("exited_count"))
    o["processes"] = json::object{{"delta", std::move(delta)}};
  else
    o.erase("processes");
  std::string text = json::serialize(structured);
  return json::object{{"content", json::array{json::object{{"type", "text"}, {"text", std::move(text)}}}},
                      {"structuredContent", std::move(structured)},
                      {"isError", !r.success}};
}

json::array resources() {
  const auto entry = [](const char *uri, const char *name, const char *description) {
    return json::object{{"uri", uri}, {"name", name}, {"description", description}, {"mimeType", "application/json"}};
  };
  return json::array{
      entry("runtimo://telemetry", "telemetry", "The machine now: CPU, memory, pressure, disks, network, ports"),
      entry("runtimo://processes", "processes", "Every process now, with its owner, state, memory and command line"),
      entry("runtimo://journal/tail", "journal tail", "The last 50 events of Runtimo's journal, oldest first")};
}

json::array resource_templates() {
  return json::array{json::object{
      {"uriTemplate", "runtimo://jobs/{id}"},
      {"name", "job"},
      {"description", "One job's record in the journal: its state and every event (also after the client that ran it has gone)"},
      {"mimeType", "application/json"}}};
}

std::optional<json::array> read_resource(Runtime &rt, std::string_view uri) {
  if (!uri.starts_with(kScheme)) return std::nullopt;
  const std::string_view what = uri.substr(kScheme.size());
  if (what == "telemetry") return json::array{text_contents(uri, rt.telemetry())};
  if (what == "processes") return json::array{text_contents(uri, rt.processes(json::object{}))};
  if (what == "journal/tail") {
    json::array events;
    for (auto &e : rt.events(50)) events.push_back(std::move(e));
    return json::array{text_contents(uri, events)};
  }
  if (what.starts_with("jobs/")) {
    const auto job = rt.job_status(what.substr(5));
    if (!job) return std::nullopt;
    return json::array{text_contents(uri, job->to_json())};
  }
  return std::nullopt;
}

}  // namespace runtimo::server
