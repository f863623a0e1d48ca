// server/mcp_lines.cpp — see mcp_lines.hpp.
#include "server/mcp_lines.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runtimo::server {

bool LineReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[65536];
  for (;;) {
    if (stop_fd_ >= 0) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        eof_ = true;
        return false;
      }
      if (fds[1].revents != 0) {
        eof_ = stopped_ = true;
        return false;
      }
    }
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<Line> LineReader::next() {
  Line line;
  for (;;) {
    const std::size_t nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      line.bytes += nl - pos_;
      if (!line.too_long) line.text.assign(buffer_, pos_, nl - pos_);
      pos_ = nl + 1;
      if (line.bytes > max_) {
        line.too_long = true;
        line.text.clear();
      }
      return line;
    }
    // No newline yet: past the limit, keep counting but drop what was read.
    if (!line.too_long && line.bytes + (buffer_.size() - pos_) > max_) {
      line.too_long = true;
      line.text.clear();
    }
    if (line.too_long) {
      line.bytes += buffer_.size() - pos_;
      buffer_.clear();
      pos_ = 0;
    }
    if (!fill()) {
      if (line.too_long || pos_ < buffer_.size()) {
        if (!line.too_long) {
          line.bytes += buffer_.size() - pos_;
          line.text.assign(buffer_, pos_, std::string::npos);
          if (line.bytes > max_) line.too_long = true, line.text.clear();
        }
        buffer_.clear();
        pos_ = 0;
        return line;
      }
      return std::nullopt;
    }
  }
}

}  // namespace runtimo::server
