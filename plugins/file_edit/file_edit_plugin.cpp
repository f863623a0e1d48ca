// plugins/file_edit/file_edit_plugin.cpp — the FileEdit capability (libcap_file_edit.so): exact
// text replacements in existing files, {old, new, replace_all?} applied in order, in one file or
// in several at once, all or nothing, through the host's write service so the job can be undone.
//
// Why it is built this way:
//  * Every file is read (open_path: policy checked, no symlink followed, a regular file) and
//    every edit matched before anything is written: an edit that does not match, or matches
//    more than once without replace_all, an expected_sha256 that differs, a file that is binary
//    or too large — any of them refuses the whole job with nothing changed.
//  * `old` must match exactly once so an edit cannot land somewhere the agent did not mean; the
//    message names the edit, the file and the count (and the lines), or for a missing match the
//    likeliest reason (an earlier edit changed it, other line endings, other indentation).
//  * Line endings and a BOM are the file's: in a file whose every line break is \r\n, the \n of
//    old and new are taken as \r\n; a BOM is kept and edits match the text after it; nothing
//    else of the file changes.
//  * The plugin never opens a file for writing. Each file is replaced atomically by the host
//    (write_file, RT_WRITE_REPLACE), which keeps its first pre-image for `runtimo undo JOB`. When
//    a write fails part-way, the files already written get their old content back (through the
//    write service again; the host keeps the first pre-image, so undo still restores the very
//    first state) and the job fails saying which file failed.
//  * Output and dry run carry a unified diff of every file (plugins/shared/unified_diff).
#include "edit_text.hpp"
#include "undo_reference.hpp"  // plugins/shared/
#include "unified_diff.hpp"

#include <runtimo/sdk.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::file_edit {
namespace {

using sdk::Error;
using sdk::Job;

// Files larger than this are not edited (and no edit may make one larger); the files of one
// job together hold at most kMaxJobBytes (each is kept in memory twice, with its diff).
constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxJobBytes = 64 * 1024 * 1024;

// The schema is draft-07 without $ref (the host allows none), so the sub-schemas that appear
// twice (at the top and in each of `files`) are written once here and pasted in at compile time.
constexpr char kPathSchema[] = R"({"type": "string", "minLength": 1, "maxLength": 4096,
      "description": "The file to edit (it must exist): absolute, or relative to the job's working directory."})";
constexpr char kShaSchema[] = R"({"type": "string", "pattern": "^[0-9a-f]{64}$",
      "description": "Refuse (changing no file) unless the file's SHA-256 is this, i.e. it has not changed since you read it."})";
constexpr char kEditsSchema[] = R"({"type": "array", "minItems": 1, "maxItems": 256,
      "description": "Replacements applied in order, each to the text the ones before it left.",
      "items": {
        "type": "object", "additionalProperties": false, "required": ["old", "new"],
        "properties": {
          "old": {"type": "string", "minLength": 1,
                  "description": "The exact text to replace, spaces and line breaks included; it must occur exactly once unless replace_all."},
          "new": {"type": "string", "description": "The text to put in its place (may be empty)."},
          "replace_all": {"type": "boolean", "default": false,
                          "description": "Replace every occurrence (at least one must exist)."}
        }
      }})";

// The NUL-terminated concatenation of string literals, made at compile time.
template <std::size_t... N>
constexpr auto concat(const char (&...parts)[N]) {
  std::array<char, (N + ...) - sizeof...(N) + 1> out{};
  std::size_t at = 0;
  ((std::copy(parts, parts + N - 1, out.begin() + static_cast<std::ptrdiff_t>(at)), at += N - 1), ...);
  return out;
}

constexpr auto kSchemaText = concat(R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "FileEdit",
  "type": "object",
  "additionalProperties": false,
  "oneOf": [
    {"required": ["path", "edits"], "not": {"required": ["files"]}},
    {"required": ["files"],
     "not": {"anyOf": [{"required": ["path"]}, {"required": ["edits"]}, {"required": ["expected_sha256"]}]}}
  ],
  "properties": {
    "path": )", kPathSchema, R"(,
    "edits": )", kEditsSchema, R"(,
    "expected_sha256": )", kShaSchema, R"(,
    "files": {
      "type": "array", "minItems": 1, "maxItems": 64,
      "description": "Several files edited in one job, all or nothing (instead of path and edits); each file once.",
      "items": {
        "type": "object", "additionalProperties": false, "required": ["path", "edits"],
        "properties": {
          "path": )", kPathSchema, R"(,
          "edits": )", kEditsSchema, R"(,
          "expected_sha256": )", kShaSchema, R"(
        }
      }
    }
  }
})");

struct FileArgs {
  std::string path;
  std::vector<Edit> edits;
  std::optional<std::string> expected_sha256;
};

FileArgs file_args(const boost::json::object &o) {
  FileArgs f;
  f.path = std::string(o.at("path").as_string());
  for (const auto &e : o.at("edits").as_array()) {
    const auto &edit = e.as_object();
    Edit x;
    x.old_text = std::string(edit.at("old").as_string());
    x.new_text = std::string(edit.at("new").as_string());
    if (const auto *r = edit.if_contains("replace_all")) x.replace_all = r->as_bool();
    f.edits.push_back(std::move(x));
  }
  if (const auto *s = o.if_contains("expected_sha256")) f.expected_sha256 = std::string(s->as_string());
  return f;
}

// The files to edit, in the order given (the schema has checked the shape).
std::vector<FileArgs> parse_args(const boost::json::object &args) {
  std::vector<FileArgs> files;
  if (const auto *list = args.if_contains("files")) {
    for (const auto &f : list->as_array()) files.push_back(file_args(f.as_object()));
  } else {
    files.push_back(file_args(args));
  }
  return files;
}

// How a file is named in messages: its path, with its place in `files` when there are several.
std::string named(const std::vector<FileArgs> &files, std::size_t i) {
  if (files.size() == 1) return files[i].path;
  return files[i].path + " (files[" + std::to_string(i) + "])";
}

// Resolves every path for writing and refuses one that names the same file as an earlier one.
// Returns RT_OK or the refusal (its reason recorded).
rt_status resolve_all(Job &job, const std::vector<FileArgs> &files, std::vector<std::string> *resolved) {
  resolved->clear();
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string r;
    if (const rt_status st = job.check_path(files[i].path, RT_ACCESS_WRITE, &r); st != RT_OK) return st;
    for (std::size_t j = 0; j < resolved->size(); ++j)
      if ((*resolved)[j] == r)
        return job.fail(RT_INVALID_ARGS,
                        "files[" + std::to_string(i) + "] (" + files[i].path + ") and files[" + std::to_string(j) +
                            "] (" + files[j].path + ") are the same file, " + r,
                        "give each file once, with all of its edits in one list");
    resolved->push_back(std::move(r));
  }
  return RT_OK;
}

// One file read and edited in memory.
struct Planned {
  std::string resolved;
  std::string before, after;  // whole files, BOM included
  std::string sha256_before;
  Endings endings = Endings::lf;
  bool bom = false;
  Applied applied;
  std::string diff;
  dev_t dev = 0;
  ino_t ino = 0;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool same_version(const struct stat &a, const struct stat &b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// Reads `f` (already resolved to `resolved`) and applies its edits in memory. Throws Error, or
// returns nullopt with the host's refusal recorded in `*refusal`.
std::optional<Planned> plan(Job &job, const FileArgs &f, const std::string &name, const std::string &resolved,
                            rt_status *refusal) {
  Planned p;
  p.resolved = resolved;
  Fd fd;
  rt_status st = job.open_path(resolved, RT_ACCESS_WRITE, O_RDONLY, &fd.fd, nullptr);
  if (st == RT_NOT_FOUND)
    throw Error(RT_NOT_FOUND, name + " does not exist; nothing was written",
                "FileEdit changes existing files: create a new one with FileWrite");
  if (st != RT_OK) {
    *refusal = st;
    return std::nullopt;
  }
  struct stat seen {};
  if (::fstat(fd.fd, &seen) != 0) throw Error(RT_FAILED, "cannot look at " + name + ": " + std::strerror(errno));
  p.dev = seen.st_dev;
  p.ino = seen.st_ino;
  if (static_cast<std::uint64_t>(seen.st_size) > kMaxFileBytes)
    throw Error(RT_INVALID_ARGS,
                name + " is " + std::to_string(seen.st_size) + " bytes; FileEdit edits files of at most 16 MiB; nothing was written",
                "replace the file whole with FileWrite");
  p.before.resize(static_cast<std::size_t>(seen.st_size) + 1);
  std::size_t got = 0;
  while (got < p.before.size()) {
    const ssize_t n = ::pread(fd.fd, p.before.data() + got, p.before.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(RT_FAILED, "cannot read " + name + ": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  p.before.resize(got);

  // The digest is the host's, of the path as it is now: it must be the file just read.
  if (st = job.file_sha256(resolved, RT_ACCESS_WRITE, &p.sha256_before); st != RT_OK) {
    *refusal = st;
    return std::nullopt;
  }
  struct stat after_fd {}, at_path {};
  if (got != static_cast<std::size_t>(seen.st_size) || ::fstat(fd.fd, &after_fd) != 0 ||
      ::stat(resolved.c_str(), &at_path) != 0 || !same_version(seen, after_fd) || !same_version(seen, at_path))
    throw Error(RT_FAILED, name + " changed while it was being read; nothing was written",
                "run the edit again (and make sure nothing else writes the file meanwhile)");
  if (f.expected_sha256 && *f.expected_sha256 != p.sha256_before)
    throw Error(RT_FAILED,
                name + " changed since it was read: its SHA-256 is " + p.sha256_before + ", not the expected " +
                    *f.expected_sha256 + "; nothing was written",
                "read the file again and base the edits on what it holds now");

  if (const std::size_t bad = binary_at(p.before); bad != std::string::npos)
    throw Error(RT_INVALID_ARGS,
                name + " is not UTF-8 text (" +
                    (p.before[bad] == '\0' ? std::string("a NUL byte") : std::string("a byte that is not UTF-8")) +
                    " at offset " + std::to_string(bad) + "); FileEdit edits text; nothing was written",
                "write binary files whole with FileWrite and content_base64");
  std::string_view body = p.before;
  if (body.starts_with(kBom)) {
    p.bom = true;
    body.remove_prefix(kBom.size());
  }
  p.endings = endings_of(body);
  p.applied = apply_edits(body, f.edits, p.endings, name, kMaxFileBytes - (p.bom ? kBom.size() : 0));
  p.after = (p.bom ? std::string(kBom) : std::string()) + p.applied.text;
  p.applied.text.clear();
  p.diff = shared::unified_diff(p.before, p.after, resolved);
  return p;
}

boost::json::array numbers(const std::vector<std::size_t> &v) {
  boost::json::array a;
  for (const std::size_t n : v) a.emplace_back(n);
  return a;
}

boost::json::object report(const FileArgs &f, const Planned &p, const std::optional<std::string> &sha256_after) {
  boost::json::object o{{"path", f.path},
                        {"resolved", p.resolved},
                        {"edits_applied", f.edits.size()},
                        {"replacements", p.applied.replacements},
                        {"unchanged_edits", numbers(p.applied.unchanged)},
                        {"changed", p.before != p.after},
                        {"line_endings", name_of(p.endings)},
                        {"bom", p.bom},
                        {"sha256_before", p.sha256_before}};
  if (sha256_after) o["sha256_after"] = *sha256_after;
  o["diff"] = p.diff;
  return o;
}

// "Edited /tmp/a (2 replacements)", "Edited 3 files (7 replacements)", with the edits that
// changed nothing.
std::string summary(const std::vector<Planned> &plans, bool dry_run) {
  std::size_t replacements = 0;
  std::string unchanged;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    replacements += plans[i].applied.replacements;
    for (const std::size_t n : plans[i].applied.unchanged)
      unchanged += std::string(unchanged.empty() ? "" : ", ") + "edit " + std::to_string(n) + " of " + plans[i].resolved;
  }
  std::string m = std::string(dry_run ? "Would edit " : "Edited ") +
                  (plans.size() == 1 ? plans[0].resolved : std::to_string(plans.size()) + " files") + " (" +
                  std::to_string(replacements) + (replacements == 1 ? " replacement)" : " replacements)");
  if (!unchanged.empty()) m += "; " + unchanged + " changed nothing (old equals new)";
  if (dry_run) m += "; nothing was changed";
  return m;
}

std::string_view status_name(rt_status st) {
  switch (st) {
    case RT_INVALID_ARGS: return "refused";
    case RT_DENIED: return "denied";
    case RT_NOT_FOUND: return "not found";
    case RT_TIMEOUT: return "timed out";
    case RT_CANCELLED: return "cancelled";
    case RT_INTERNAL: return "internal error";
    default: return "failed";
  }
}

// Why the host could not replace `resolved` with `bytes` bytes, as far as looking (never
// trying to write) tells, or "". The host's own reason is not readable by a plugin once a later
// call has recorded another, so the likely causes are looked at here.
std::string why_not_written(Job &job, const std::string &resolved, std::size_t bytes) {
  const std::string dir = resolved.substr(0, std::max<std::size_t>(1, resolved.find_last_of('/')));
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) == 0) {
    if ((fs.f_flag & ST_RDONLY) != 0) return "the filesystem of " + dir + " is mounted read-only";
    const unsigned long long free_bytes = static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
    if (free_bytes < bytes + 65536) return "the filesystem of " + dir + " is full (" + std::to_string(free_bytes) + " bytes free)";
    if (fs.f_files != 0 && fs.f_favail == 0) return "the filesystem of " + dir + " has no free inodes";
  }
  for (const bool is_dir : {true, false}) {
    const std::string &path = is_dir ? dir : resolved;
    int fd = -1;
    if (job.open_path(path, RT_ACCESS_WRITE, O_RDONLY | (is_dir ? O_DIRECTORY : 0), &fd, nullptr) != RT_OK) continue;
    int attributes = 0;
    const bool known = ::ioctl(fd, FS_IOC_GETFLAGS, &attributes) == 0;
    ::close(fd);
    const std::string what = is_dir ? "its directory " + dir : resolved;
    if (known && (attributes & FS_IMMUTABLE_FL) != 0) return what + " is immutable (chattr +i)";
    if (known && (attributes & FS_APPEND_FL) != 0) return what + " is append-only (chattr +a)";
  }
  if (::access(dir.c_str(), W_OK) != 0) return "its directory " + dir + " is not writable by this user";
  return {};
}

std::string listed(const std::vector<std::string> &paths) {
  std::string out;
  for (const auto &p : paths) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// Writes every planned file; when one fails, puts back those already written and fails.
rt_status write_all(Job &job, const std::vector<FileArgs> &files, const std::vector<Planned> &plans,
                    std::vector<std::optional<std::string>> *sha256_after) {
  std::vector<std::size_t> written;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].before == plans[i].after) continue;  // nothing to write
    const rt_status st = job.write_file(plans[i].resolved, plans[i].after, RT_WRITE_REPLACE, 0, nullptr);
    if (st == RT_OK) {
      written.push_back(i);
      continue;
    }
    // Put back what was written, newest first (the host keeps each path's first pre-image, so
    // `runtimo undo` would still restore the state before this job).
    std::vector<std::string> put_back, not_put_back;
    for (auto it = written.rbegin(); it != written.rend(); ++it)
      (job.write_file(plans[*it].resolved, plans[*it].before, RT_WRITE_REPLACE, 0, nullptr) == RT_OK ? put_back : not_put_back)
          .push_back(plans[*it].resolved);
    const std::string reason = why_not_written(job, plans[i].resolved, plans[i].after.size());
    std::string message = "writing " + named(files, i) + " failed (" + std::string(status_name(st)) +
                          (reason.empty() ? "" : ": " + reason) + ")";
    if (written.empty()) message += "; no file was changed";
    else if (not_put_back.empty())
      message += "; the files already written were put back as they were (" + listed(put_back) + "), so no file is changed";
    else
      message += "; putting back " + listed(not_put_back) + " failed too, so " + (not_put_back.size() == 1 ? "it holds" : "they hold") +
                 " the edits" + (put_back.empty() ? "" : " (" + listed(put_back) + " was put back)");
    const std::string hint =
        not_put_back.empty()
            ? "nothing needs undoing: make " + plans[i].resolved + " writable" + (reason.empty() ? "" : " (" + reason + ")") +
                  " and run the same edits again"
            : "runtimo undo " + std::string(job.id()) + " restores every file as it was before this job";
    return job.fail(st, message, hint);
  }
  for (std::size_t i = 0; i < plans.size(); ++i) {
    std::string hex;
    if (job.file_sha256(plans[i].resolved, RT_ACCESS_WRITE, &hex) == RT_OK) (*sha256_after)[i] = hex;
  }
  return RT_OK;
}

rt_status execute_edits(Job &job, const std::vector<FileArgs> &files) {
  std::vector<std::string> resolved;
  if (const rt_status st = resolve_all(job, files, &resolved); st != RT_OK) return st;
  std::vector<Planned> plans;
  std::size_t total_before = 0, total_after = 0;  // over the files planned so far
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (job.cancelled()) return job.fail(RT_CANCELLED, "cancelled before every file was read; nothing was written");
    const std::string name = named(files, i);
    rt_status refusal = RT_INTERNAL;
    std::optional<Planned> p = plan(job, files[i], name, resolved[i], &refusal);
    if (!p) return refusal;
    for (std::size_t j = 0; j < plans.size(); ++j)
      if (plans[j].dev == p->dev && plans[j].ino == p->ino)
        return job.fail(RT_INVALID_ARGS, name + " and " + named(files, j) + " are the same file (hard links); nothing was written",
                        "give each file once, with all of its edits in one list");
    total_before += p->before.size();
    total_after += p->after.size();
    if (total_before > kMaxJobBytes || total_after > kMaxJobBytes)
      throw Error(RT_INVALID_ARGS,
                  "the files of this job hold more than 64 MiB together, before or after the edits (counting up to " +
                      name + "); nothing was written",
                  "edit them in several jobs");
    plans.push_back(std::move(*p));
  }

  const bool dry_run = job.dry_run();
  std::vector<std::optional<std::string>> sha256_after(plans.size());
  if (!dry_run) {
    if (job.cancelled()) return job.fail(RT_CANCELLED, "cancelled before anything was written; nothing was written");
    if (const rt_status st = write_all(job, files, plans, &sha256_after); st != RT_OK) return st;
  }
  boost::json::array out;
  for (std::size_t i = 0; i < plans.size(); ++i) out.push_back(report(files[i], plans[i], sha256_after[i]));
  boost::json::object data{{"files", std::move(out)}};
  if (dry_run) data["dry_run"] = true;
  else data["backup"] = shared::undo_reference(job);
  return job.output(data, summary(plans, dry_run));
}

struct FileEdit {
  static constexpr const char *name = "FileEdit";
  static constexpr const char *description =
      "Edit existing text files by exact replacement: each edit {old, new} replaces the text old with new, in "
      "order, each on the result of the one before. old must occur exactly once in the file (copy it exactly, "
      "spaces and line breaks included, with enough surrounding lines to be unique) unless replace_all is true; a "
      "missing or ambiguous match refuses the job, naming the edit and the count. Several files can be edited in "
      "one job (files: [{path, edits}]): all or nothing, no file changes unless every edit of every file applies. "
      "Line endings and a BOM are kept as the file has them (write edits with \\n; a CRLF file gets \\r\\n). "
      "expected_sha256 refuses a file that changed since you read it. Returns a unified diff of every file (a dry "
      "run returns it and changes nothing); runtimo undo JOB restores the files. Protected files and paths outside "
      "the write prefixes are refused; to create a file or write binary content use FileWrite.";
  static constexpr const char *schema = kSchemaText.data();
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_MUTATES_FILES | RT_CAP_HOST_WRITES;

  static rt_status validate(Job &job, const boost::json::object &args) {
    std::vector<std::string> resolved;
    return resolve_all(job, parse_args(args), &resolved);
  }
  static rt_status execute(Job &job, const boost::json::object &args) {
    return execute_edits(job, parse_args(args));
  }
};

}  // namespace
}  // namespace runtimo::file_edit

RUNTIMO_PLUGIN("file_edit", "1.0.0", ::runtimo::file_edit::FileEdit)
