// plugins/shared/unified_diff.hpp — a unified diff (`diff -u` format, 3 lines of context) of two
// texts, line by line, for the plugins that show what a change does (FileWrite's dry run,
// FileEdit's output and dry run). Compiled into every plugin (see plugins/CMakeLists.txt).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runtimo::shared {

// The diff from `before` to `after`, labelled a/<label> and b/<label>; "" when they are equal.
// A line without its final '\n' is marked "\ No newline at end of file" ('\r' stays part of
// its line, so a CRLF file diffs as it is). The lines both texts start and end with are set
// aside first; a changed stretch of more than `kMaxDiffLines` lines, or with more than
// `kMaxDiffEdits` differences, is split at the lines that occur once in each side (a patience
// diff), and a stretch with no such line is shown as replaced whole. Memory and time stay
// bounded (about (kMaxDiffEdits + 1)² words) whatever the texts, so the diff may then be longer
// than the shortest one, never wrong.
std::string unified_diff(std::string_view before, std::string_view after, std::string_view label);

inline constexpr std::size_t kMaxDiffLines = 20000;
inline constexpr std::size_t kMaxDiffEdits = 1024;

}  // namespace runtimo::shared
