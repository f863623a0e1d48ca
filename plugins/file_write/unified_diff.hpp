// plugins/file_write/unified_diff.hpp — a unified diff (`diff -u` format, 3 lines of context) of
// two texts, line by line, for dry runs that show what a write would change.
#pragma once

#include <string>
#include <string_view>

namespace runtimo::file_write {

// The diff from `before` to `after`, labelled a/<label> and b/<label>; "" when they are equal.
// A line without its final '\n' is marked "\ No newline at end of file". Texts of more than
// `kMaxDiffLines` lines each are shown as one hunk that replaces everything.
std::string unified_diff(std::string_view before, std::string_view after, std::string_view label);

inline constexpr std::size_t kMaxDiffLines = 20000;

}  // namespace runtimo::file_write
