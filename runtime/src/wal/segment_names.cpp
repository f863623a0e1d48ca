// wal/segment_names.cpp — segment file names and the ordered segment listing; see
// segment_names.hpp.
#include "wal/segment_names.hpp"

#include "wal/journal.hpp"

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace runtimo::wal {
namespace detail {

namespace {
constexpr std::string_view kPrefix = "wal-";
constexpr std::string_view kSuffix = ".jsonl";
}  // namespace

std::string segment_file_name(std::uint64_t number) {
  char name[64];
  std::snprintf(name, sizeof name, "wal-%08llu.jsonl", static_cast<unsigned long long>(number));
  return name;
}

std::optional<std::uint64_t> parse_segment_name(std::string_view name) {
  if (name.size() < kPrefix.size() + 8 + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  // Exactly what segment_file_name produces: at least eight digits, zero-padded to eight.
  if (digits.size() > 8 && digits.front() == '0') return std::nullopt;
  if (digits.size() > 19) return std::nullopt;
  std::uint64_t number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (number == 0) return std::nullopt;
  return number;
}

std::vector<SegmentFile> list_segment_files(const std::filesystem::path &dir) {
  std::vector<SegmentFile> segments;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return segments;
  if (ec) throw JournalError("cannot list " + dir.string() + ": " + ec.message());
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (auto number = parse_segment_name(name)) segments.push_back({*number, it->path()});
  }
  if (ec) throw JournalError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(segments.begin(), segments.end(),
            [](const SegmentFile &a, const SegmentFile &b) { return a.number < b.number; });
  return segments;
}

}  // namespace detail

std::vector<std::filesystem::path> list_segments(const std::filesystem::path &dir) {
  std::vector<std::filesystem::path> paths;
  for (auto &segment : detail::list_segment_files(dir)) paths.push_back(std::move(segment.path));
  return paths;
}

}  // namespace runtimo::wal
