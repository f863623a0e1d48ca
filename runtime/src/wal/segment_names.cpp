// wal/segment_names.cpp — segment file names and their numeric order; see segment_names.hpp.
#include "wal/segment_names.hpp"

namespace runtimo::wal::detail {

namespace {
constexpr std::string_view kPrefix = "wal-";
constexpr std::string_view kSuffix = ".jsonl";
constexpr std::size_t kPadding = 8;
}  // namespace

std::string segment_file_name(std::string_view number) {
  std::string name(kPrefix);
  if (number.size() < kPadding) name.append(kPadding - number.size(), '0');
  name += number;
  name += kSuffix;
  return name;
}

std::optional<std::string> parse_segment_name(std::string_view name) {
  if (name.size() < kPrefix.size() + kPadding + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (digits.size() > kPadding && digits.front() == '0') return std::nullopt;
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return std::nullopt;  // number 0
  return std::string(digits.substr(first));
}

bool segment_number_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string next_segment_number(std::string_view number) {
  std::string next(number);
  for (std::size_t i = next.size(); i-- > 0;) {
    if (next[i] != '9') {
      ++next[i];
      return next;
    }
    next[i] = '0';
  }
  return "1" + next;  // all nines: one more digit
}

}  // namespace runtimo::wal::detail
