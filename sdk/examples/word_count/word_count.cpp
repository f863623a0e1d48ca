// word_count.cpp — an example capability plugin in C++ (libcap_word_count.so), built against
// the installed Runtimo SDK: WordCount counts the lines, words and bytes of a file as wc(1)
// does in the C locale, reading it through the host.
//
// What it shows: a capability as a struct for RUNTIMO_PLUGIN; the schema doing the argument
// checks, so the code may rely on them; validate() asking the host's path policy (a refusal
// already carries the host's reason, so the status is simply returned); execute() opening the
// file through the host (open_path: the policy again, no symlink followed, regular files
// only), stopping at the job's deadline, and reporting with job.output().
#include <runtimo/sdk.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace {

using runtimo::sdk::Job;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {"type": "string", "minLength": 1, "maxLength": 4096,
             "description": "The file: absolute, or relative to the job's working directory."}
  }
})";

// The host checked the arguments against kSchema: "path" is there and is a string.
std::string path_of(const boost::json::object &args) {
  return std::string(args.at("path").as_string());
}

bool is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

struct Counts {
  std::int64_t lines = 0, words = 0, bytes = 0;
  bool in_word = false;
  void add(const char *data, std::size_t size) {
    bytes += static_cast<std::int64_t>(size);
    for (std::size_t i = 0; i < size; ++i) {
      const auto c = static_cast<unsigned char>(data[i]);
      if (c == '\n') ++lines;
      if (is_space(c)) {
        in_word = false;
      } else if (!in_word) {
        in_word = true;
        ++words;
      }
    }
  }
};

struct WordCount {
  static constexpr const char *name = "WordCount";
  static constexpr const char *description =
      "Count the lines, words and bytes of a regular file (as wc does in the C locale).";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT;

  static rt_status validate(Job &job, const boost::json::object &args) {
    return job.check_path(path_of(args), RT_ACCESS_READ, nullptr);
  }

  static rt_status execute(Job &job, const boost::json::object &args) {
    int fd = -1;
    std::string resolved;
    if (const rt_status st = job.open_path(path_of(args), RT_ACCESS_READ, O_RDONLY, &fd, &resolved);
        st != RT_OK)
      return st;
    Counts counts;
    char buf[65536];
    for (;;) {
      if (job.cancelled()) {
        ::close(fd);
        const bool late = job.remaining_ms() == 0;
        return job.fail(
            late ? RT_TIMEOUT : RT_CANCELLED,
            "stopped counting " + resolved + " after " + std::to_string(counts.bytes) + " bytes",
            late ? "give the job a longer deadline" : "");
      }
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return job.fail(RT_FAILED, "cannot read " + resolved + ": " + std::strerror(err));
      }
      if (n == 0) break;
      counts.add(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const boost::json::object data{{"path", resolved},
                                   {"lines", counts.lines},
                                   {"words", counts.words},
                                   {"bytes", counts.bytes}};
    return job.output(data, std::to_string(counts.lines) + " lines, " +
                                std::to_string(counts.words) + " words, " +
                                std::to_string(counts.bytes) + " bytes in " + resolved);
  }
};

}  // namespace

RUNTIMO_PLUGIN("word_count", "1.0.0", WordCount)
