// server/mcp_lines.hpp — newline-delimited messages from a file descriptor (MCP stdio
// transport), never holding more than a bounded line in memory: a line longer than the limit is
// read to its end and dropped, and reported as too long, so a client cannot make the server
// read unbounded memory. Reading also ends when `stop_fd` (if any) becomes readable: a
// signal handler writes to it to stop the server as if its input had ended.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace runtimo::server {

struct Line {
  std::string text;          // without the '\n' (empty when too long)
  bool too_long = false;
  std::size_t bytes = 0;     // how long the line was
};

class LineReader {
 public:
  LineReader(int fd, std::size_t max_bytes, int stop_fd = -1) : fd_(fd), stop_fd_(stop_fd), max_(max_bytes) {}
  // The next line; nullopt at end of input (a last line without '\n' is still returned).
  std::optional<Line> next();
  // Whether reading ended because stop_fd was readable.
  bool stopped() const { return stopped_; }

 private:
  bool fill();  // false at end of input
  int fd_;
  int stop_fd_;
  std::size_t max_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool stopped_ = false;
};

}  // namespace runtimo::server
