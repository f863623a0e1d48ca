// wal/line_scanner.cpp — forward and backward line scanning of a segment; see line_scanner.hpp.
#include "wal/line_scanner.hpp"

#include "wal/posix_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace runtimo::wal::detail {

ForwardLineScanner::ForwardLineScanner(int fd, std::filesystem::path path, std::uint64_t start,
                                       std::size_t block_bytes)
    : fd_(fd), path_(std::move(path)), buffer_(block_bytes, '\0'), buffer_offset_(start) {}

bool ForwardLineScanner::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep only the unconsumed bytes, at the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    buffer_offset_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than a block
  for (;;) {
    ssize_t n = ::pread(fd_, buffer_.data() + end_, buffer_.size() - end_,
                        static_cast<off_t>(buffer_offset_ + end_));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read", path_, errno);
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

bool ForwardLineScanner::next_lines(ScannedLine &lines) {
  for (;;) {
    const char *start = buffer_.data() + begin_;
    const void *newline = ::memrchr(start + scanned_, '\n', end_ - begin_ - scanned_);
    if (newline != nullptr) {
      std::size_t stop =
          static_cast<std::size_t>(static_cast<const char *>(newline) - buffer_.data()) + 1;
      lines.offset = buffer_offset_ + begin_;
      lines.text = std::string_view(start, stop - begin_);
      lines.terminated = true;
      begin_ = stop;
      scanned_ = 0;
      return true;
    }
    scanned_ = end_ - begin_;
    if (!fill()) {
      if (begin_ == end_) return false;
      lines.offset = buffer_offset_ + begin_;
      lines.text = std::string_view(buffer_.data() + begin_, end_ - begin_);
      lines.terminated = false;
      begin_ = end_;
      scanned_ = 0;
      return true;
    }
  }
}

BackwardLineScanner::BackwardLineScanner(int fd, std::uint64_t end, std::filesystem::path path,
                                         std::size_t chunk_bytes)
    : fd_(fd),
      path_(std::move(path)),
      chunk_bytes_(chunk_bytes),
      buffer_offset_(end),
      line_end_(end) {}

void BackwardLineScanner::load_before() {
  // Chunks grow with the buffer, so a very long line (garbage a crash left) costs O(length).
  std::uint64_t kept = line_end_ - buffer_offset_;
  std::uint64_t length =
      std::min<std::uint64_t>(std::max<std::uint64_t>(chunk_bytes_, kept), buffer_offset_);
  std::string chunk;
  pread_exact(fd_, buffer_offset_ - length, length, chunk, path_);
  chunk.append(buffer_, 0, static_cast<std::size_t>(kept));
  buffer_ = std::move(chunk);
  buffer_offset_ -= length;
}

bool BackwardLineScanner::previous(ScannedLine &line) {
  if (line_end_ == 0) return false;
  if (buffer_offset_ == line_end_) load_before();
  // Every line but the file's last ends in '\n' at line_end_ - 1.
  bool terminated = buffer_[static_cast<std::size_t>(line_end_ - 1 - buffer_offset_)] == '\n';
  if (!terminated && !at_end_) {
    // Cannot happen: line_end_ is always just after a '\n' once a line was returned.
    throw JournalError("cannot read " + path_.string() + ": file changed while reading backwards");
  }
  at_end_ = false;
  std::uint64_t content_end = terminated ? line_end_ - 1 : line_end_;
  std::uint64_t start;
  for (;;) {
    std::size_t searched = static_cast<std::size_t>(content_end - buffer_offset_);
    const void *newline = ::memrchr(buffer_.data(), '\n', searched);
    if (newline != nullptr) {
      start = buffer_offset_ +
              static_cast<std::uint64_t>(static_cast<const char *>(newline) - buffer_.data()) + 1;
      break;
    }
    if (buffer_offset_ == 0) {
      start = 0;
      break;
    }
    load_before();
  }
  line.offset = start;
  line.text = std::string_view(buffer_.data() + (start - buffer_offset_),
                               static_cast<std::size_t>(content_end - start));
  line.terminated = terminated;
  line_end_ = start;
  return true;
}

}  // namespace runtimo::wal::detail
