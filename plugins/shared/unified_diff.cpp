// plugins/shared/unified_diff.cpp — see unified_diff.hpp. Lines are numbered (equal lines get
// equal ids), the common head and tail are kept as they are, and Myers' O(ND) algorithm finds a
// shortest edit script for what is left between them. Myers keeps the frontier of every round
// to trace the script back — (D+1)² entries for D differences — so past kMaxDiffEdits (or on a
// stretch of more than kMaxDiffLines lines) the stretch is cut at the longest increasing run of
// lines that occur exactly once on each side (patience diff) and each piece is diffed the same
// way. The script is then cut into hunks with three lines of context, as `diff -u` prints them.
#include "unified_diff.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace runtimo::shared {
namespace {

constexpr std::size_t kContext = 3;
// Patience splits nest at most this deep; below, a stretch is shown replaced whole.
constexpr int kMaxSplitDepth = 12;

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
  std::size_t a, b;  // line index in before / after (for remove: b is where after stands; add: a)
};

class Differ {
 public:
  Differ(std::vector<std::uint32_t> a, std::vector<std::uint32_t> b) : a_(std::move(a)), b_(std::move(b)) {}

  std::vector<Edit> run() {
    diff(0, a_.size(), 0, b_.size(), 0);
    return std::move(script_);
  }

 private:
  void diff(std::size_t a_lo, std::size_t a_hi, std::size_t b_lo, std::size_t b_hi, int depth) {
    while (a_lo < a_hi && b_lo < b_hi && a_[a_lo] == b_[b_lo]) script_.push_back({Op::keep, a_lo++, b_lo++});
    std::size_t tail = 0;
    while (a_hi - tail > a_lo && b_hi - tail > b_lo && a_[a_hi - tail - 1] == b_[b_hi - tail - 1]) ++tail;
    a_hi -= tail;
    b_hi -= tail;
    const bool small = a_hi - a_lo <= kMaxDiffLines && b_hi - b_lo <= kMaxDiffLines;
    if (a_lo == a_hi || b_lo == b_hi || !((small && myers(a_lo, a_hi, b_lo, b_hi)) ||
                                          (depth < kMaxSplitDepth && patience(a_lo, a_hi, b_lo, b_hi, depth))))
      replace(a_lo, a_hi, b_lo, b_hi);
    for (std::size_t t = 0; t < tail; ++t) script_.push_back({Op::keep, a_hi + t, b_hi + t});
  }

  // Everything of the stretch removed, then everything added.
  void replace(std::size_t a_lo, std::size_t a_hi, std::size_t b_lo, std::size_t b_hi) {
    for (std::size_t i = a_lo; i < a_hi; ++i) script_.push_back({Op::remove, i, b_lo});
    for (std::size_t j = b_lo; j < b_hi; ++j) script_.push_back({Op::add, a_hi, j});
  }

  // A shortest edit script of the stretch (Myers 1986, forward), appended; false (nothing
  // appended) when it needs more than kMaxDiffEdits differences.
  bool myers(std::size_t a_lo, std::size_t a_hi, std::size_t b_lo, std::size_t b_hi) {
    const long n = static_cast<long>(a_hi - a_lo), m = static_cast<long>(b_hi - b_lo);
    const long max = std::min(n + m, static_cast<long>(kMaxDiffEdits)), offset = max + 1;
    std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
    // Before round d, the frontier of round d - 1 over diagonals -(d-1)..d-1, one after another.
    std::vector<long> saved;
    std::vector<std::size_t> saved_at;
    long end_d = -1;
    for (long d = 0; d <= max && end_d < 0; ++d) {
      saved_at.push_back(saved.size());
      for (long k = -(d - 1); k <= d - 1; ++k) saved.push_back(v[static_cast<std::size_t>(offset + k)]);
      for (long k = -d; k <= d; k += 2) {
        const auto at = [&](long kk) -> long & { return v[static_cast<std::size_t>(offset + kk)]; };
        long x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
        long y = x - k;
        while (x < n && y < m && a_[a_lo + static_cast<std::size_t>(x)] == b_[b_lo + static_cast<std::size_t>(y)]) ++x, ++y;
        at(k) = x;
        if (x >= n && y >= m) {
          end_d = d;
          break;
        }
      }
    }
    if (end_d < 0) return false;
    std::vector<Edit> back;
    long x = n, y = m;
    for (long d = end_d; d > 0; --d) {
      // saved frontier of round d - 1, diagonal kk
      const auto pv = [&](long kk) { return saved[saved_at[static_cast<std::size_t>(d)] + static_cast<std::size_t>(kk + d - 1)]; };
      const long k = x - y;
      const bool down = k == -d || (k != d && pv(k - 1) < pv(k + 1));
      const long prev_k = down ? k + 1 : k - 1;
      const long prev_x = pv(prev_k), prev_y = prev_x - prev_k;
      while (x > prev_x && y > prev_y) --x, --y, back.push_back({Op::keep, a_lo + static_cast<std::size_t>(x), b_lo + static_cast<std::size_t>(y)});
      if (down) --y, back.push_back({Op::add, a_lo + static_cast<std::size_t>(x), b_lo + static_cast<std::size_t>(y)});
      else --x, back.push_back({Op::remove, a_lo + static_cast<std::size_t>(x), b_lo + static_cast<std::size_t>(y)});
    }
    while (x > 0 && y > 0) --x, --y, back.push_back({Op::keep, a_lo + static_cast<std::size_t>(x), b_lo + static_cast<std::size_t>(y)});
    script_.insert(script_.end(), back.rbegin(), back.rend());
    return true;
  }

  // Cuts the stretch at the longest run of lines, increasing on both sides, that occur once in
  // each side, diffing the pieces between them; false (nothing appended) when there is none.
  bool patience(std::size_t a_lo, std::size_t a_hi, std::size_t b_lo, std::size_t b_hi, int depth) {
    struct Seen {
      std::uint32_t in_a = 0, in_b = 0;
      std::size_t at_b = 0;
    };
    std::unordered_map<std::uint32_t, Seen> seen;
    for (std::size_t i = a_lo; i < a_hi; ++i) {
      ++seen[a_[i]].in_a;
    }
    for (std::size_t j = b_lo; j < b_hi; ++j) {
      auto it = seen.find(b_[j]);
      if (it == seen.end()) continue;
      ++it->second.in_b;
      it->second.at_b = j;
    }
    std::vector<std::pair<std::size_t, std::size_t>> unique;  // (a, b), by a
    for (std::size_t i = a_lo; i < a_hi; ++i) {
      const Seen &s = seen[a_[i]];
      if (s.in_a == 1 && s.in_b == 1) unique.emplace_back(i, s.at_b);
    }
    if (unique.empty()) return false;
    // Longest increasing subsequence of the b positions (patience sorting with back links).
    std::vector<std::size_t> tops, link(unique.size());
    for (std::size_t u = 0; u < unique.size(); ++u) {
      const auto pile = std::lower_bound(tops.begin(), tops.end(), unique[u].second,
                                         [&](std::size_t t, std::size_t b) { return unique[t].second < b; });
      link[u] = pile == tops.begin() ? unique.size() : *(pile - 1);
      if (pile == tops.end()) tops.push_back(u);
      else *pile = u;
    }
    std::vector<std::pair<std::size_t, std::size_t>> anchors;
    for (std::size_t u = tops.back(); u != unique.size(); u = link[u]) anchors.push_back(unique[u]);
    std::reverse(anchors.begin(), anchors.end());
    for (const auto &[i, j] : anchors) {
      diff(a_lo, i, b_lo, j, depth + 1);
      script_.push_back({Op::keep, i, j});
      a_lo = i + 1;
      b_lo = j + 1;
    }
    diff(a_lo, a_hi, b_lo, b_hi, depth + 1);
    return true;
  }

  std::vector<std::uint32_t> a_, b_;
  std::vector<Edit> script_;
};

// The lines of both texts as ids, equal lines equal ids.
std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>> numbered(const std::vector<std::string_view> &a,
                                                                           const std::vector<std::string_view> &b) {
  std::unordered_map<std::string_view, std::uint32_t> ids;
  ids.reserve(a.size() + b.size());
  const auto number = [&](const std::vector<std::string_view> &lines) {
    std::vector<std::uint32_t> out;
    out.reserve(lines.size());
    for (const auto line : lines) out.push_back(ids.try_emplace(line, static_cast<std::uint32_t>(ids.size())).first->second);
    return out;
  };
  auto na = number(a);
  auto nb = number(b);
  return {std::move(na), std::move(nb)};
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
  auto [na, nb] = numbered(a, b);
  const std::vector<Edit> script = Differ(std::move(na), std::move(nb)).run();
  // An absolute label reads a/etc/hosts, as git prints it, not a//etc/hosts.
  while (label.starts_with('/')) label.remove_prefix(1);
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

}  // namespace runtimo::shared
