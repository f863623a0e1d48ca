// plugins/file_read/read_plan.hpp — how much memory FileRead sets aside for a read. The first
// buffer holds what fstat says the file has from the offset, plus one byte that shows whether
// the file has grown meanwhile, and never more than the read may return; a file that reports
// no size (/proc files say 0) starts with one page. A buffer that fills up doubles, up to the
// limit. So a 1 KiB file costs 1 KiB + 1, not the 1 MiB a default max_bytes would allow.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace runtimo::file_read {

inline constexpr std::size_t kUnsizedFirstRead = 4096;

// `limit`: the most bytes the read may gather (max_bytes + 1).
inline std::size_t first_read_size(std::int64_t st_size, std::int64_t offset, std::size_t limit) {
  if (st_size <= 0) return std::min(limit, kUnsizedFirstRead);
  const std::int64_t left = st_size > offset ? st_size - offset : 0;
  return static_cast<std::size_t>(
      std::min<std::int64_t>(static_cast<std::int64_t>(limit), left + 1));
}

// The next buffer size once a buffer of `current` bytes is full.
inline std::size_t grown_read_size(std::size_t current, std::size_t limit) {
  return std::min(limit, std::max(current * 2, kUnsizedFirstRead));
}

}  // namespace runtimo::file_read
