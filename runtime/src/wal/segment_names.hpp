// wal/segment_names.hpp — naming and listing of journal segment files (FORMAT.md, "Directory
// layout"): wal-%08u.jsonl, numbered from 1, read in numeric order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::wal::detail {

// "wal-00000007.jsonl" for 7.
std::string segment_file_name(std::uint64_t number);

// The number of a segment file name, or nothing when `name` is not one.
std::optional<std::uint64_t> parse_segment_name(std::string_view name);

struct SegmentFile {
  std::uint64_t number = 0;
  std::filesystem::path path;
};

// Segments of `dir`, lowest number first; empty when `dir` does not exist. Throws JournalError
// when `dir` cannot be listed.
std::vector<SegmentFile> list_segment_files(const std::filesystem::path &dir);

}  // namespace runtimo::wal::detail
