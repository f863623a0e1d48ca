// cli/text_table.hpp — human-readable output for a terminal: aligned text tables and units
// (bytes as KiB/MiB/GiB, durations as 3h12m, percentages with one decimal).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace runtimo::cli {

std::string human_bytes(double bytes);            // "512 B", "1.5 KiB", "23.4 GiB"
std::string human_duration(double seconds);       // "42s", "3m05s", "3h12m", "5d04h"
std::string percent(double value);                // "12.5%", "-" when negative (unknown)
std::string fixed(double value, int decimals);    // "0.30"

// Columns separated by two spaces, each as wide as its widest cell; numeric columns (marked
// with a leading '>' in the header) are right-aligned. The last column is cut so a line fits
// `max_width` characters (0: no limit).
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);
  void add(std::vector<std::string> row);
  std::string render(std::size_t max_width = 0) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// The width of the terminal on `fd`, or 0 when it is not a terminal.
std::size_t terminal_width(int fd);

}  // namespace runtimo::cli
