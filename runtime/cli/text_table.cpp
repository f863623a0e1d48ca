// cli/text_table.cpp — aligned tables and human units for terminal output.
#include "text_table.hpp"

#include "cli.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace runtimo::cli {

std::string human_bytes(double bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (std::fabs(bytes) >= 1024 && u < 5) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%.0f %s", bytes, units[u]);
  else std::snprintf(buf, sizeof buf, bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

std::string human_duration(double seconds) {
  if (seconds < 0) return "-";
  const auto s = static_cast<long long>(seconds);
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llds", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else if (s < 86400) std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  else std::snprintf(buf, sizeof buf, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
  return buf;
}

std::string percent(double value) {
  if (value < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", value);
  return buf;
}

std::string fixed(double value, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

TextTable::TextTable(std::vector<std::string> headers) {
  for (auto &h : headers) {
    const bool right = !h.empty() && h.front() == '>';
    right_.push_back(right);
    headers_.push_back(right ? h.substr(1) : h);
  }
}

void TextTable::add(std::vector<std::string> row) {
  row.resize(headers_.size());
  // Cells come from the machine (command names and lines are whatever a process set).
  for (std::string &cell : row) cell = printable(cell);
  rows_.push_back(std::move(row));
}

namespace {

// Display width of UTF-8 text: code points, not bytes (good enough for the data shown here).
std::size_t width_of(const std::string &s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Cuts UTF-8 text to at most `width` code points.
std::string cut(const std::string &s, std::size_t width) {
  std::size_t n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == width) break;
      ++n;
    }
  }
  return s.substr(0, i);
}

}  // namespace

std::string TextTable::render(std::size_t max_width) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = width_of(headers_[c]);
    for (const auto &r : rows_) widths[c] = std::max(widths[c], width_of(r[c]));
  }
  std::string out;
  const auto emit = [&](const std::vector<std::string> &cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      const std::size_t pad = widths[c] - std::min(widths[c], width_of(cells[c]));
      if (right_[c]) line.append(pad, ' ');
      line += cells[c];
      if (!right_[c] && !last) line.append(pad, ' ');
      if (!last) line += "  ";
    }
    if (max_width > 0 && width_of(line) > max_width) line = cut(line, max_width);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(headers_);
  for (const auto &r : rows_) emit(r);
  return out;
}

std::size_t terminal_width(int fd) {
  winsize ws{};
  if (::isatty(fd) != 1 || ::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return 0;
  return ws.ws_col;
}

}  // namespace runtimo::cli
