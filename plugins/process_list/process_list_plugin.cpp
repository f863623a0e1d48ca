// plugins/process_list/process_list_plugin.cpp — the ProcessList capability
// (libcap_process_list.so): every process on the machine, filtered by pid, parent, user or
// name, sorted by CPU, memory, start time or pid, limited, optionally as a tree.
//
// The scan itself is the host's snapshot provider (rt_host_api.processes, ABI 1.1): one fresh
// read of /proc with no subprocess, the same code `runtimo processes` uses, so the plugin only
// owns the capability's contract — its schema, its message — and stays read-only. It is a
// rescue capability: it still runs when the resource guard refuses others, because finding
// the process that eats the machine is how an agent gets out of trouble.
#include <runtimo/sdk.hpp>

#include <cstdint>
#include <string>

namespace runtimo::process_list {
namespace {

using sdk::Job;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "ProcessList",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "pid": {"type": "integer", "minimum": 1, "maximum": 2147483647,
            "description": "Only this process."},
    "ppid": {"type": "integer", "minimum": 0, "maximum": 2147483647,
             "description": "Only the children of this process."},
    "user": {"type": "string", "minLength": 1, "maxLength": 64,
             "description": "Only processes of this user (name, or uid in digits)."},
    "name": {"type": "string", "minLength": 1, "maxLength": 256,
             "description": "Only processes whose command name or command line contains it."},
    "sort": {"enum": ["pid", "cpu", "rss", "start"], "default": "pid",
             "description": "cpu and rss: highest first; start: oldest first."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100000,
              "description": "At most this many processes (after sorting)."},
    "tree": {"type": "boolean", "default": false,
             "description": "Depth-first tree order, each process with its depth."},
    "cmdline": {"type": "boolean", "default": true,
                "description": "Include each process's command line (at most 256 bytes)."}
  }
})";

// "3 of 412 processes match" (", 2 shown" when the limit cut the list).
std::string summary_of(const boost::json::object &result) {
  const auto count = [&](const boost::json::value &v) { return v.to_number<std::int64_t>(); };
  const std::int64_t matched = count(result.at("matched"));
  const std::int64_t returned = count(result.at("returned"));
  std::string message = std::to_string(matched) + " of " +
                        std::to_string(count(result.at("summary").at("total"))) +
                        " processes match";
  if (returned < matched) message += ", " + std::to_string(returned) + " shown";
  return message;
}

struct ProcessList {
  static constexpr const char *name = "ProcessList";
  static constexpr const char *description =
      "List processes (pid, parent, user, state, CPU %, memory, start time, command line) "
      "read from /proc; filter by pid, ppid, user or name, sort by cpu, rss or start, limit, "
      "or show the tree";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT | RT_CAP_RESCUE;

  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }

  static rt_status execute(Job &job, const boost::json::object &args) {
    boost::json::object result;
    if (const rt_status st = job.processes(boost::json::serialize(args), &result); st != RT_OK)
      return st;
    return job.output(result, summary_of(result));
  }
};

}  // namespace
}  // namespace runtimo::process_list

RUNTIMO_PLUGIN("process_list", "1.0.0", runtimo::process_list::ProcessList)
