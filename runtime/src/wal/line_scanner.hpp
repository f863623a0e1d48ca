// wal/line_scanner.hpp — reading a segment forwards in large blocks of whole lines
// (read_journal, verify, the index, seq scans), or backwards line by line from the end in
// chunks (recovery, tail_journal) so that the end of a large segment costs a few reads.
//
// A line is the bytes up to a '\n' (not included). The bytes after the last '\n' of a file,
// if any, are returned as one more line with `terminated` false: a torn write, or a write in
// progress seen by a reader that takes no lock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace runtimo::wal::detail {

struct ScannedLine {
  std::uint64_t offset = 0;  // of the line's first byte in the file
  std::string_view text;     // without the '\n'; valid until the next call on the scanner
  bool terminated = true;
};

// Front to back, from `start` (a line start) to end of file.
class ForwardLineScanner {
 public:
  ForwardLineScanner(int fd, std::filesystem::path path, std::uint64_t start = 0,
                     std::size_t block_bytes = 1 << 20);
  // The next run of whole lines: `text` from a line start to just past a '\n' (every complete
  // line buffered, so a caller can work on several at once). At end of file, the bytes after
  // the last '\n', if any, with `terminated` false. False when nothing is left. Throws
  // JournalError on a read error.
  bool next_lines(ScannedLine &lines);

 private:
  bool fill();  // reads more bytes after the buffered ones; false at end of file

  int fd_;
  std::filesystem::path path_;
  std::string buffer_;
  std::uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  std::size_t begin_ = 0;            // first unconsumed byte in buffer_
  std::size_t scanned_ = 0;          // bytes from begin_ already known to hold no '\n'
  std::size_t end_ = 0;              // end of the valid bytes in buffer_
  bool eof_ = false;
};

// Back to front, from `end` (the file size when the scan began) to offset 0.
class BackwardLineScanner {
 public:
  BackwardLineScanner(int fd, std::uint64_t end, std::filesystem::path path,
                      std::size_t chunk_bytes = 64 << 10);
  // The line before the previously returned one; false when the start of the file is reached.
  bool previous(ScannedLine &line);

 private:
  void load_before();  // reads the chunk before buffer_offset_ and prepends it

  int fd_;
  std::filesystem::path path_;
  std::size_t chunk_bytes_;
  std::string buffer_;  // holds the file's bytes [buffer_offset_, line_end_)
  std::uint64_t buffer_offset_;
  std::uint64_t line_end_;  // end of the bytes not yet returned (a '\n' or the end)
  bool at_end_ = true;      // nothing returned yet: the last line may be unterminated
};

}  // namespace runtimo::wal::detail
