// policy/input_file.cpp — see input_file.hpp.
#include "policy/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace runtimo::policy {
namespace {

const std::string kLimitText = "16 MiB (" + std::to_string(kMaxInputBytes) + " bytes)";

// `size`: what fstat said, when it said more than the limit (0 when the read found out).
PathDecision too_large(std::string_view what, const std::string &name, std::uint64_t size = 0) {
  const std::string holds =
      size > 0 ? "is " + std::to_string(size) + " bytes, more than" : "holds more than";
  return PathDecision::refused(RT_INVALID_ARGS,
                               std::string(what) + " " + name + " " + holds + " the " + kLimitText +
                                   " an input file may have",
                               "pass a smaller file");
}

// Reads `fd` to its end, at most kMaxInputBytes; false (with the refusal) when there is more
// or the read fails.
bool read_bounded(int fd, std::string_view what, const std::string &name, std::string *text,
                  PathDecision *d) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *d = PathDecision::refused(
          RT_FAILED, "cannot read " + std::string(what) + " " + name + ": " + std::strerror(errno),
          "check the file");
      return false;
    }
    if (n == 0) return true;
    if (text->size() + static_cast<std::size_t>(n) > kMaxInputBytes) {
      *d = too_large(what, name);
      return false;
    }
    text->append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

InputFile read_input_file(const PathPolicy &policy, std::string_view path, std::string_view what,
                          bool allow_stdin) {
  InputFile in;
  if (path == "-") {
    if (!allow_stdin) {
      in.decision = PathDecision::refused(
          RT_INVALID_ARGS, std::string(what) + " cannot be standard input (-)",
          "standard input carries job arguments (run --args-file -) and "
          "protocols (runtimo mcp); give the path of a regular file");
      return in;
    }
    in.decision.resolved = "-";
    read_bounded(STDIN_FILENO, what, "(standard input)", &in.text, &in.decision);
    if (!in.decision.ok()) in.text.clear();
    return in;
  }

  int fd = -1;
  PathDecision opened = policy.open(path, RT_ACCESS_READ, O_RDONLY, {}, &fd);
  if (!opened.ok()) {
    opened.message = std::string(what) + ": " + opened.message;
    in.decision = std::move(opened);
    return in;
  }
  struct stat st {};
  const std::string name = opened.resolved;
  if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) > kMaxInputBytes) {
    in.decision = too_large(what, name, static_cast<std::uint64_t>(st.st_size));
  } else {
    in.decision = opened;
    read_bounded(fd, what, name, &in.text, &in.decision);
  }
  ::close(fd);
  if (!in.decision.ok()) in.text.clear();
  return in;
}

}  // namespace runtimo::policy
