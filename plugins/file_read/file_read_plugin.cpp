// plugins/file_read/file_read_plugin.cpp — the FileRead capability (libcap_file_read.so): read
// up to max_bytes of a regular file from an offset, as UTF-8 text or base64.
//
// Why it is built this way (upstream 0.1.5 bugs C.16, C.25 are not repeated):
//  * The host's path policy checks the path in validate() and opens it in execute() without
//    following symlinks (open_path), so a path swapped after the check is refused. The policy
//    judges the file before opening it and opens regular files only: a FIFO (opening it would
//    release a blocked writer) or a device (opening /dev/watchdog arms a reboot) is refused
//    unopened, with the reason.
//  * The read is pread() until max_bytes or end of file: st_size is not trusted (/proc files
//    report 0, files grow) and a large file is fine when a prefix is asked for. The buffer is
//    sized from st_size (read_plan.hpp) and grows only when a file holds more than it said.
//  * A cut inside a multi-byte character is moved back to the character boundary; bytes that
//    are not UTF-8 come back as base64 — the read never fails on content.
#include "read_plan.hpp"
#include "text_encoding.hpp"  // plugins/shared/

#include <runtimo/sdk.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

namespace runtimo::file_read {
namespace {

using sdk::Error;
using sdk::Job;
using shared::base64_encode;
using shared::is_valid_utf8;
using shared::without_split_character;

constexpr std::int64_t kMaxBytesLimit = 10 * 1024 * 1024;
constexpr std::int64_t kDefaultMaxBytes = 1024 * 1024;
constexpr std::size_t kChunk = 1024 * 1024;  // cancellation is checked between chunks

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "FileRead",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {
      "type": "string", "minLength": 1, "maxLength": 4096,
      "description": "The file to read: absolute, or relative to the job's working directory."
    },
    "max_bytes": {
      "type": "integer", "minimum": 1, "maximum": 10485760, "default": 1048576,
      "description": "Read at most this many bytes (the result says whether more remain)."
    },
    "offset": {
      "type": "integer", "minimum": 0, "default": 0,
      "description": "Start reading at this byte offset."
    }
  }
})";

struct ReadArgs {
  std::string path;
  std::int64_t max_bytes = kDefaultMaxBytes;
  std::int64_t offset = 0;
};

ReadArgs parse_args(const boost::json::object &args) {
  ReadArgs a;
  const boost::json::value *path = args.if_contains("path");
  if (path == nullptr || !path->is_string() || path->get_string().empty())
    throw Error(RT_INVALID_ARGS, "path is required and must be a non-empty string",
                "give the file to read");
  a.path = std::string(path->get_string());
  a.max_bytes = sdk::integer_arg(args, "max_bytes", 1, kMaxBytesLimit).value_or(kDefaultMaxBytes);
  a.offset = sdk::integer_arg(args, "offset", 0, std::numeric_limits<off_t>::max()).value_or(0);
  return a;
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser &) = delete;
  FdCloser &operator=(const FdCloser &) = delete;

 private:
  int fd_;
};

// Reads up to `limit` bytes from `offset` into `buf`, which starts at `first` bytes and grows
// only when it fills; stops early only at end of file.
rt_status read_at(Job &job, int fd, const std::string &resolved, std::int64_t offset,
                  std::size_t first, std::size_t limit, std::string *buf) {
  buf->resize(first);
  std::size_t got = 0;
  while (got < limit) {
    if (got == buf->size()) buf->resize(grown_read_size(buf->size(), limit));
    if (job.cancelled())
      return job.fail(job.remaining_ms() == 0 ? RT_TIMEOUT : RT_CANCELLED,
                      "stopped reading " + resolved + " after " + std::to_string(got) +
                          " bytes: the job " +
                          (job.remaining_ms() == 0 ? "reached its deadline" : "was cancelled"));
    const std::size_t ask = std::min(kChunk, buf->size() - got);
    const ssize_t n =
        ::pread(fd, buf->data() + got, ask, static_cast<off_t>(offset) + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      return job.fail(RT_FAILED, "cannot read " + resolved + ": " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  buf->resize(got);
  return RT_OK;
}

rt_status execute_read(Job &job, const ReadArgs &a) {
  int fd = -1;
  std::string resolved;
  if (const rt_status st = job.open_path(a.path, RT_ACCESS_READ, O_RDONLY, &fd, &resolved);
      st != RT_OK)
    return st;
  const FdCloser closer(fd);

  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    return job.fail(RT_FAILED, "cannot stat " + resolved + ": " + std::strerror(err));
  }
  // One byte more than asked tells whether anything remains after the returned bytes.
  const auto max = static_cast<std::size_t>(a.max_bytes);
  const std::size_t first = first_read_size(st.st_size, a.offset, max + 1);
  std::string bytes;
  if (const rt_status rs = read_at(job, fd, resolved, a.offset, first, max + 1, &bytes);
      rs != RT_OK)
    return rs;
  bool more = bytes.size() > max;
  if (more) bytes.resize(max);

  // Text when the bytes (less a character split by the cut) are UTF-8; base64 otherwise.
  const std::size_t whole = more ? without_split_character(bytes) : bytes.size();
  const bool text = is_valid_utf8(std::string_view(bytes).substr(0, whole));
  if (text && whole < bytes.size()) {
    bytes.resize(whole);
    more = true;
  }
  const std::size_t returned = bytes.size();
  const char *encoding = text ? "utf-8" : "base64";
  std::string content = text ? std::move(bytes) : base64_encode(bytes);

  boost::json::object data{{"path", a.path},
                           {"resolved", resolved},
                           {"content", content},
                           {"encoding", encoding},
                           {"bytes_read", returned},
                           {"offset", a.offset},
                           {"file_size", static_cast<std::int64_t>(st.st_size)},
                           {"truncated", more},
                           {"eof", !more}};
  if (job.dry_run()) data["dry_run"] = true;
  return job.output(data, "Read " + std::to_string(returned) + " bytes from " + resolved +
                              (more ? " (truncated)" : ""));
}

struct FileRead {
  static constexpr const char *name = "FileRead";
  static constexpr const char *description =
      "Read a regular file (up to max_bytes from offset) as UTF-8 text, or base64 when it is "
      "not UTF-8. Protected files (keys, credentials, secrets of processes) are refused; "
      "symlinks are resolved and checked; FIFOs, devices and directories are refused without "
      "being opened.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT;

  static rt_status validate(Job &job, const boost::json::object &args) {
    const ReadArgs a = parse_args(args);
    return job.check_path(a.path, RT_ACCESS_READ, nullptr);
  }

  // Reading has no side effect, so a dry run reads too (and says so).
  static rt_status execute(Job &job, const boost::json::object &args) {
    return execute_read(job, parse_args(args));
  }
};

}  // namespace
}  // namespace runtimo::file_read

RUNTIMO_PLUGIN("file_read", "1.0.0", ::runtimo::file_read::FileRead)
