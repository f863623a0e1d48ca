// plugins/undo/undo_plugin.cpp — the Undo capability (libcap_undo.so): take a job back. The
// host does the work (rt_host_api.undo_job, exec/undo_service.hpp): it puts back every
// pre-image the job recorded, in reverse order, refuses when a path changed since the job
// unless `force`, and backs up what it replaces, so an undo can be undone in turn.
#include <runtimo/sdk.hpp>

#include <string>

namespace runtimo::undo {
namespace {

using sdk::Job;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Undo",
  "type": "object",
  "additionalProperties": false,
  "required": ["job"],
  "properties": {
    "job": {
      "type": "string", "pattern": "^[0-9a-f]{32}$",
      "description": "The id of the job to take back (runtimo status lists recent jobs)."
    },
    "force": {
      "type": "boolean", "default": false,
      "description": "Restore also the paths that changed after the job (their current state is backed up first)."
    }
  }
})";

struct Undo {
  static constexpr const char *name = "Undo";
  static constexpr const char *description =
      "Take back a job that changed files: every file, directory and symlink it wrote, created, "
      "deleted or moved is put back exactly (content, mode, owner, times, extended attributes), "
      "newest change first. Refused when a path changed after the job, naming each conflict, "
      "unless force. A dry run lists what would be restored. The undo is a job too and can be "
      "undone.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_MUTATES_FILES | RT_CAP_HOST_WRITES;

  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }

  static rt_status execute(Job &job, const boost::json::object &args) {
    const std::string target(args.at("job").as_string());
    const bool force = args.contains("force") && args.at("force").as_bool();
    boost::json::object report;
    const rt_status st = job.undo_job(target, force ? RT_UNDO_FORCE : 0u, &report);
    if (!report.empty()) {
      const auto count = [&](const char *key) {
        return report.contains(key) && report.at(key).is_array() ? report.at(key).as_array().size() : 0u;
      };
      const std::string summary =
          std::string(job.dry_run() ? "Would restore " : "Restored ") + std::to_string(count("restored")) +
          " path(s) of job " + target + (count("skipped") > 0 ? ", " + std::to_string(count("skipped")) + " already as before" : "") +
          (count("conflicts") > 0 ? ", " + std::to_string(count("conflicts")) + " conflict(s)" : "");
      job.output(report, summary);  // also when refused: the conflicts, for the caller to look at
      return st;
    }
    return st;
  }
};

}  // namespace
}  // namespace runtimo::undo

RUNTIMO_PLUGIN("undo", "1.0.0", ::runtimo::undo::Undo)
