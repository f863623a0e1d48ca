// plugins/file_move/file_move_plugin.cpp — the FileMove capability (libcap_file_move.so): rename
// a file, symlink or directory, across directories of one filesystem, through the host's write
// service, which keeps the pre-image of both the source and the destination first, so
// `runtimo undo JOB` moves it back and restores what an overwrite replaced.
#include "undo_reference.hpp"  // plugins/shared/

#include <runtimo/sdk.hpp>

#include <string>

namespace runtimo::file_move {
namespace {

using sdk::Job;

// Both paths as directory entries: a symlink is moved itself, never what it points to.
constexpr std::uint32_t kEntry = RT_ACCESS_WRITE | RT_ACCESS_ENTRY;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "FileMove",
  "type": "object",
  "additionalProperties": false,
  "required": ["from", "to"],
  "properties": {
    "from": {"type": "string", "minLength": 1, "maxLength": 4096, "description": "What to move."},
    "to": {"type": "string", "minLength": 1, "maxLength": 4096, "description": "Its new path (not a directory to move it into)."},
    "overwrite": {
      "type": "boolean", "default": false,
      "description": "Replace what is at `to` (it is kept first, so undo brings it back)."
    }
  }
})";

struct FileMove {
  static constexpr const char *name = "FileMove";
  static constexpr const char *description =
      "Move or rename a file, symlink or directory to a new path on the same filesystem. An "
      "existing destination is refused unless overwrite. The source and anything replaced are "
      "kept, so runtimo undo JOB moves it back exactly. A dry run changes nothing.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_MUTATES_FILES | RT_CAP_HOST_WRITES;

  static rt_status validate(Job &job, const boost::json::object &args) {
    if (const rt_status st = job.check_path(std::string(args.at("from").as_string()), kEntry, nullptr); st != RT_OK)
      return st;
    return job.check_path(std::string(args.at("to").as_string()), kEntry, nullptr);
  }

  static rt_status execute(Job &job, const boost::json::object &args) {
    const std::string from(args.at("from").as_string()), to(args.at("to").as_string());
    const bool overwrite = args.contains("overwrite") && args.at("overwrite").as_bool();
    std::string source, target;
    if (const rt_status st = job.check_path(from, kEntry, &source); st != RT_OK) return st;
    if (const rt_status st = job.check_path(to, kEntry, &target); st != RT_OK) return st;
    boost::json::object data{{"from", source}, {"to", target}, {"overwrite", overwrite}};
    if (job.dry_run()) {
      data["dry_run"] = true;
      return job.output(data, "Would move " + source + " to " + target + "; nothing was changed");
    }
    if (const rt_status rs = job.rename_path(source, target, overwrite ? RT_RENAME_OVERWRITE : 0u); rs != RT_OK) return rs;
    data["backup"] = shared::undo_reference(job);
    return job.output(data, "Moved " + source + " to " + target);
  }
};

}  // namespace
}  // namespace runtimo::file_move

RUNTIMO_PLUGIN("file_move", "1.0.0", ::runtimo::file_move::FileMove)
