// plugins/file_delete/file_delete_plugin.cpp — the FileDelete capability (libcap_file_delete.so):
// remove a file, a symlink (never what it points to) or a directory (with `recursive`) through
// the host's write service, which keeps the whole pre-image first — a directory tree with its
// modes, owners, times and extended attributes — so `runtimo undo JOB` puts it back exactly.
#include "undo_reference.hpp"  // plugins/shared/

#include <runtimo/sdk.hpp>

#include <sys/stat.h>

#include <string>

namespace runtimo::file_delete {
namespace {

using sdk::Job;

// The path as a directory entry: a symlink is removed itself, never what it points to.
constexpr std::uint32_t kEntry = RT_ACCESS_WRITE | RT_ACCESS_ENTRY;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "FileDelete",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {
      "type": "string", "minLength": 1, "maxLength": 4096,
      "description": "The file, symlink or directory to remove: absolute, or relative to the job's working directory."
    },
    "recursive": {
      "type": "boolean", "default": false,
      "description": "Remove a directory with everything in it (without it, only an empty directory is removed)."
    }
  }
})";

struct FileDelete {
  static constexpr const char *name = "FileDelete";
  static constexpr const char *description =
      "Remove a file, a symlink (not what it points to) or a directory (recursive for one that "
      "is not empty). Everything removed is kept first, so runtimo undo JOB puts it back exactly. "
      "A dry run says what would be removed and changes nothing.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_MUTATES_FILES | RT_CAP_HOST_WRITES;

  static rt_status validate(Job &job, const boost::json::object &args) {
    return job.check_path(std::string(args.at("path").as_string()), kEntry, nullptr);
  }

  static rt_status execute(Job &job, const boost::json::object &args) {
    const std::string path(args.at("path").as_string());
    const bool recursive = args.contains("recursive") && args.at("recursive").as_bool();
    std::string resolved;
    if (const rt_status st = job.check_path(path, kEntry, &resolved); st != RT_OK) return st;
    struct stat st {};
    if (::lstat(resolved.c_str(), &st) != 0)
      return job.fail(RT_NOT_FOUND, resolved + " does not exist; nothing was removed");
    const char *kind = S_ISDIR(st.st_mode) ? "directory" : S_ISLNK(st.st_mode) ? "symlink" : "file";
    boost::json::object data{{"path", path}, {"resolved", resolved}, {"kind", kind}, {"recursive", recursive}};
    if (job.dry_run()) {
      data["dry_run"] = true;
      return job.output(data, std::string("Would remove the ") + kind + " " + resolved + "; nothing was changed");
    }
    if (const rt_status rs = job.remove_path(resolved, recursive ? RT_REMOVE_RECURSIVE : 0u); rs != RT_OK) return rs;
    data["backup"] = shared::undo_reference(job);
    return job.output(data, std::string("Removed the ") + kind + " " + resolved);
  }
};

}  // namespace
}  // namespace runtimo::file_delete

RUNTIMO_PLUGIN("file_delete", "1.0.0", ::runtimo::file_delete::FileDelete)
