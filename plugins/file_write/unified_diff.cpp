// plugins/file_write/unified_diff.cpp — see unified_diff.hpp. Myers' O(ND) algorithm finds a
// shortest edit script between the two line sequences; the script is then cut into hunks with
// three lines of context, as `diff -u` prints them.
#include "unified_diff.hpp"

#include <algorithm>
#include <vector>

namespace runtimo::file_write {
namespace {

constexpr std::size_t kContext = 3;

// Lines with their '\n' (the last one may lack it).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return out;
}

enum class Op { keep, remove, add };
struct Edit {
  Op op;
  std::size_t a, b;  // line index in before / after
};

// A shortest edit script (Myers 1986, forward, keeping every V to trace back).
std::vector<Edit> edit_script(const std::vector<std::string_view> &a, const std::vector<std::string_view> &b) {
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max = n + m, offset = max + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long end_d = 0;
  for (long d = 0; d <= max; ++d) {
    trace.push_back(v);
    bool done = false;
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      long y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    if (done) {
      end_d = d;
      break;
    }
  }
  std::vector<Edit> script;
  long x = n, y = m;
  for (long d = end_d; d > 0; --d) {
    const std::vector<long> &pv = trace[static_cast<std::size_t>(d)];
    const long k = x - y;
    const bool down = k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1]);
    const long prev_k = down ? k + 1 : k - 1;
    const long prev_x = pv[offset + prev_k], prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) script.push_back({Op::keep, static_cast<std::size_t>(--x), static_cast<std::size_t>(--y)});
    if (down) script.push_back({Op::add, static_cast<std::size_t>(x), static_cast<std::size_t>(--y)});
    else script.push_back({Op::remove, static_cast<std::size_t>(--x), static_cast<std::size_t>(y)});
  }
  while (x > 0 && y > 0) script.push_back({Op::keep, static_cast<std::size_t>(--x), static_cast<std::size_t>(--y)});
  std::reverse(script.begin(), script.end());
  return script;
}

// Everything removed, then everything added (texts too long to diff line by line).
std::vector<Edit> replace_all(std::size_t n, std::size_t m) {
  std::vector<Edit> script;
  for (std::size_t i = 0; i < n; ++i) script.push_back({Op::remove, i, 0});
  for (std::size_t j = 0; j < m; ++j) script.push_back({Op::add, n, j});
  return script;
}

void put_line(std::string &out, char mark, std::string_view line) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

std::string range(std::size_t start, std::size_t count) {
  // diff -u: "l,s", the first line 1-based; an empty range names the line before it.
  const std::size_t first = count == 0 ? start : start + 1;
  return count == 1 ? std::to_string(first) : std::to_string(first) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, std::string_view label) {
  if (before == after) return {};
  const auto a = lines_of(before), b = lines_of(after);
  const std::vector<Edit> script =
      a.size() > kMaxDiffLines || b.size() > kMaxDiffLines ? replace_all(a.size(), b.size()) : edit_script(a, b);
  std::string out = "--- a/" + std::string(label) + "\n+++ b/" + std::string(label) + "\n";
  std::size_t i = 0;
  while (i < script.size()) {
    while (i < script.size() && script[i].op == Op::keep) ++i;
    if (i == script.size()) break;
    // A hunk: from kContext kept lines before the change to kContext after the last change
    // that is within 2 * kContext of the next.
    const std::size_t start = i >= kContext ? i - kContext : 0;
    std::size_t last = i;  // the hunk's last change
    for (std::size_t e = i + 1; e < script.size() && e <= last + 2 * kContext + 1; ++e)
      if (script[e].op != Op::keep) last = e;
    const std::size_t end = std::min(script.size(), last + 1 + kContext);
    std::size_t a_start = script[start].a, b_start = script[start].b, a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t e = start; e < end; ++e) {
      const Edit &ed = script[e];
      if (ed.op == Op::keep) put_line(body, ' ', a[ed.a]), ++a_count, ++b_count;
      else if (ed.op == Op::remove) put_line(body, '-', a[ed.a]), ++a_count;
      else put_line(body, '+', b[ed.b]), ++b_count;
    }
    out += "@@ -" + range(a_start, a_count) + " +" + range(b_start, b_count) + " @@\n" + body;
    i = end;
  }
  return out;
}

}  // namespace runtimo::file_write
