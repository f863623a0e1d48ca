// plugins/file_write/file_write_plugin.cpp — the FileWrite capability (libcap_file_write.so):
// write a file — overwrite, append or create — through the host's write service, so the old
// file is kept (a pre-image under <home>/backups/<job>/) and the job can be undone.
//
// Why it is built this way:
//  * The plugin never opens a file for writing. The host checks the write policy (after
//    resolving symlinks; the protected set is never written), records the pre-image with a
//    durable job.backup event, then writes: a temp file in the same directory, fsync, rename,
//    fsync of the directory — so a crash leaves the old file or the new one, never a mix — and
//    the old file's mode, owner and extended attributes are kept.
//  * expected_sha256 refuses the write when the file changed since the agent read it (its
//    digest is the host's, of the file as it is now). Without it the file is not read before
//    the write: sha256_before is the pre-image's (ABI 1.5 pre_image), sha256_after the host's
//    digest of what it wrote, so the file's bytes are read once, by the copy.
//  * A dry run changes nothing — no backup, no directory — and returns the unified diff the
//    write would make.
#include "text_encoding.hpp"  // plugins/shared/
#include "undo_reference.hpp"
#include "unified_diff.hpp"

#include <runtimo/sdk.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

namespace runtimo::file_write {
namespace {

using sdk::Error;
using sdk::Job;
using shared::unified_diff;

// A dry run shows a diff of files up to this size.
constexpr std::size_t kMaxDiffBytes = 1024 * 1024;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "FileWrite",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "oneOf": [{"required": ["content"]}, {"required": ["content_base64"]}],
  "properties": {
    "path": {
      "type": "string", "minLength": 1, "maxLength": 4096,
      "description": "The file to write: absolute, or relative to the job's working directory."
    },
    "content": {"type": "string", "description": "The text to write (UTF-8). Give content or content_base64."},
    "content_base64": {
      "type": "string", "pattern": "^[A-Za-z0-9+/]*={0,2}$",
      "description": "The bytes to write, base64-encoded (for content that is not UTF-8)."
    },
    "mode": {
      "type": "string", "enum": ["overwrite", "append", "create_new"], "default": "overwrite",
      "description": "overwrite: replace the file atomically (or create it); append: add to its end; create_new: refuse when the path exists."
    },
    "create_parents": {
      "type": "boolean", "default": false,
      "description": "Create missing parent directories (undo removes them again)."
    },
    "expected_sha256": {
      "type": "string", "pattern": "^[0-9a-f]{64}$",
      "description": "Refuse unless the file's SHA-256 is this (it changed since you read it otherwise)."
    },
    "permissions": {
      "type": "string", "pattern": "^0?[0-7]{3,4}$", "default": "0644",
      "description": "Permission bits of a file this job creates, in octal (an existing file keeps its own)."
    },
    "allow_hardlinked": {
      "type": "boolean", "default": false,
      "description": "Append to a file that has other hard links (each of them changes)."
    }
  }
})";

struct WriteArgs {
  std::string path;
  std::string data;
  bool base64 = false;
  std::string mode = "overwrite";
  bool create_parents = false;
  std::optional<std::string> expected_sha256;
  std::uint32_t permissions = 0644;
  bool allow_hardlinked = false;
};

std::string decode_content(std::string_view text) {
  std::size_t bad = 0;
  auto bytes = shared::base64_decode(text, &bad);
  if (!bytes)
    throw Error(RT_INVALID_ARGS, bad == text.size() ? "content_base64 is not base64: its length is not a multiple of 4"
                                                    : "content_base64 is not base64 at character " + std::to_string(bad));
  return std::move(*bytes);
}

WriteArgs parse_args(const boost::json::object &args) {
  WriteArgs a;
  a.path = std::string(args.at("path").as_string());
  if (const auto *c = args.if_contains("content")) {
    a.data = std::string(c->as_string());
  } else {
    a.data = decode_content(args.at("content_base64").as_string());
    a.base64 = true;
  }
  if (const auto *m = args.if_contains("mode")) a.mode = std::string(m->as_string());
  if (const auto *p = args.if_contains("create_parents")) a.create_parents = p->as_bool();
  if (const auto *e = args.if_contains("expected_sha256")) a.expected_sha256 = std::string(e->as_string());
  if (const auto *p = args.if_contains("permissions")) a.permissions = static_cast<std::uint32_t>(std::stoul(std::string(p->as_string()), nullptr, 8));
  if (const auto *h = args.if_contains("allow_hardlinked")) a.allow_hardlinked = h->as_bool();
  return a;
}

std::uint32_t how_of(const WriteArgs &a) {
  std::uint32_t how = a.mode == "append" ? RT_WRITE_APPEND : a.mode == "create_new" ? RT_WRITE_CREATE_NEW : RT_WRITE_REPLACE;
  if (a.create_parents) how |= RT_WRITE_CREATE_PARENTS;
  if (a.allow_hardlinked) how |= RT_WRITE_HARDLINKED;
  return how;
}

// The file as it is now, for the diff of a dry run: nullopt when it does not exist; its text
// when it is small enough; throws for other errors.
struct Current {
  bool exists = false;
  std::optional<std::string> text;  // absent when too large to show
  std::int64_t size = 0;
};

Current read_current(Job &job, const std::string &path) {
  Current c;
  int fd = -1;
  const rt_status st = job.open_path(path, RT_ACCESS_WRITE, O_RDONLY, &fd, nullptr);
  if (st == RT_NOT_FOUND) return c;
  if (st != RT_OK) throw Error(st, "");  // the reason is recorded by the host
  c.exists = true;
  struct stat s {};
  ::fstat(fd, &s);
  c.size = s.st_size;
  if (static_cast<std::size_t>(s.st_size) <= kMaxDiffBytes) {
    std::string text(static_cast<std::size_t>(s.st_size) + 1, '\0');
    const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
    if (n >= 0 && static_cast<std::size_t>(n) <= kMaxDiffBytes) {
      text.resize(static_cast<std::size_t>(n));
      c.text = std::move(text);
    }
  }
  ::close(fd);
  return c;
}

rt_status check_expected(Job &job, const WriteArgs &a, std::optional<std::string> *before) {
  std::string hex;
  const rt_status st = job.file_sha256(a.path, RT_ACCESS_WRITE, &hex);
  if (st == RT_NOT_FOUND) {
    if (a.expected_sha256)
      return job.fail(RT_FAILED, a.path + " does not exist, but expected_sha256 says it should",
                      "read the file again, or leave out expected_sha256 to create it");
    return RT_OK;  // a file that does not exist yet has no digest to compare
  }
  if (st != RT_OK) return st;
  *before = hex;
  if (a.expected_sha256 && *a.expected_sha256 != hex)
    return job.fail(RT_FAILED,
                    a.path + " changed since it was read: its SHA-256 is " + hex + ", not the expected " + *a.expected_sha256 +
                        "; nothing was written",
                    "read the file again and base the change on what it holds now");
  return RT_OK;
}

rt_status dry_run(Job &job, const WriteArgs &a, const std::optional<std::string> &before_sha) {
  const Current c = read_current(job, a.path);
  if (c.exists && a.mode == "create_new")
    return job.fail(RT_FAILED, a.path + " already exists; create_new would write nothing", "use mode overwrite to replace it");
  std::string resolved;
  if (const rt_status st = job.check_path(a.path, RT_ACCESS_WRITE, &resolved); st != RT_OK) return st;
  boost::json::object data{{"path", a.path}, {"resolved", resolved}, {"mode", a.mode}, {"dry_run", true},
                           {"bytes", a.data.size()}, {"exists", c.exists},
                           {"sha256_before", before_sha ? boost::json::value(*before_sha) : nullptr}};
  if (c.text && !a.base64) {
    const std::string after = a.mode == "append" ? *c.text + a.data : a.data;
    data["diff"] = unified_diff(*c.text, after, resolved);
  } else {
    data["diff"] = nullptr;
    data["diff_omitted"] = a.base64 ? "binary content" : "the file is larger than 1 MiB";
  }
  return job.output(data, "Would " + std::string(c.exists ? (a.mode == "append" ? "append to " : "overwrite ") : "create ") +
                              resolved + " (" + std::to_string(a.data.size()) + " bytes); nothing was changed");
}

// The digest of what the write replaced, from the job's pre-image of `resolved` (digested by
// the host while it copied it): nullopt when the file did not exist.
rt_status digest_before(Job &job, const std::string &resolved, std::optional<std::string> *before) {
  boost::json::object record;
  if (const rt_status st = job.pre_image(resolved, &record); st != RT_OK) return st;
  const auto &was = record.at("before").as_object();
  if (was.at("kind").as_string() == "file") *before = std::string(was.at("sha256").as_string());
  return RT_OK;
}

rt_status execute_write(Job &job, const WriteArgs &a) {
  // Without expected_sha256 the file is not read before the write: its digest comes with the
  // pre-image, so a 1 GiB append reads the file once.
  std::optional<std::string> before_sha;
  if (a.expected_sha256 || job.dry_run())
    if (const rt_status st = check_expected(job, a, &before_sha); st != RT_OK) return st;
  if (job.dry_run()) return dry_run(job, a, before_sha);
  std::string resolved;
  if (const rt_status st = job.write_file(a.path, a.data, how_of(a), a.permissions, &resolved); st != RT_OK) return st;
  if (!a.expected_sha256)
    if (const rt_status st = digest_before(job, resolved, &before_sha); st != RT_OK) return st;
  std::string after_sha;
  if (const rt_status st = job.file_sha256(resolved, RT_ACCESS_WRITE, &after_sha); st != RT_OK) return st;
  const char *verb = !before_sha ? "Created " : a.mode == "append" ? "Appended to " : "Wrote ";
  boost::json::object data{{"path", a.path},
                           {"resolved", resolved},
                           {"mode", a.mode},
                           {"bytes", a.data.size()},
                           {"created", !before_sha},
                           {"sha256_before", before_sha ? boost::json::value(*before_sha) : nullptr},
                           {"sha256_after", after_sha},
                           {"backup", shared::undo_reference(job)}};
  return job.output(data, verb + resolved + " (" + std::to_string(a.data.size()) + " bytes)");
}

struct FileWrite {
  static constexpr const char *name = "FileWrite";
  static constexpr const char *description =
      "Write a file: overwrite it atomically, append to it, or create it. The old file is kept "
      "so the job can be undone (runtimo undo JOB); expected_sha256 refuses the write when the "
      "file changed since you read it; a dry run returns the unified diff and changes nothing. "
      "Protected files and paths outside the write prefixes are refused.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_MUTATES_FILES | RT_CAP_HOST_WRITES;

  static rt_status validate(Job &job, const boost::json::object &args) {
    const WriteArgs a = parse_args(args);
    return job.check_path(a.path, RT_ACCESS_WRITE, nullptr);
  }
  static rt_status execute(Job &job, const boost::json::object &args) {
    return execute_write(job, parse_args(args));
  }
};

}  // namespace
}  // namespace runtimo::file_write

RUNTIMO_PLUGIN("file_write", "1.0.0", ::runtimo::file_write::FileWrite)
