// plugin/capability_names.cpp — name validity, normalisation and suggestions (see the header).
#include "plugin/capability_names.hpp"

#include "plugin/plugin_registry.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace runtimo::plugin {
namespace {

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string normalise_capability_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == '_' || c == '-') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

bool is_valid_plugin_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return is_lower_or_digit(c) || c == '_'; });
}

bool is_valid_capability_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && is_alpha(name.front()) &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_'; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> closest_names(std::string_view query,
                                       const std::vector<std::string> &candidates,
                                       std::size_t limit) {
  const std::string wanted = normalise_capability_name(query);
  if (wanted.empty()) return {};
  const std::size_t threshold = std::max<std::size_t>(2, wanted.size() / 3);

  // (class, distance, name). Class 0: a one-edit typo or a prefix of the name — what the
  // agent almost certainly meant; class 1: within the edit threshold; class 2: the query only
  // occurs inside the name.
  using Rank = std::tuple<int, std::size_t, std::string>;
  std::vector<Rank> ranked;
  for (const std::string &candidate : candidates) {
    const std::string normal = normalise_capability_name(candidate);
    const std::size_t distance = edit_distance(wanted, normal);
    const bool prefix = normal.starts_with(wanted);
    const bool substring = wanted.size() >= 2 && normal.find(wanted) != std::string::npos;
    int rank_class = 2;
    if (distance <= 1 || prefix) {
      rank_class = 0;
    } else if (distance <= threshold) {
      rank_class = 1;
    } else if (!substring) {
      continue;
    }
    ranked.emplace_back(rank_class, distance, candidate);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (const Rank &r : ranked) {
    if (out.size() == limit) break;
    out.push_back(std::get<2>(r));
  }
  return out;
}

}  // namespace runtimo::plugin
