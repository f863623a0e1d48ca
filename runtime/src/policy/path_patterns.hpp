// policy/path_patterns.hpp — how the path policy compares paths with its configured entries.
//
// Owns: "~" expansion, prefix containment by whole path components ("/tmp" contains "/tmp"
// and "/tmp/a", never "/tmpevil"), basename matching with fnmatch(3), and finding the literal
// part of a pattern (the directories before its first glob character).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::policy {

// "~" or "~/rest" → home + rest; anything else unchanged. Empty when the entry needs a home
// and `home` is empty.
std::string expand_home(std::string_view entry, const std::filesystem::path &home);

// True when `path` equals `prefix` or lies below it. Both are absolute and normalised.
bool is_within(std::string_view path, std::string_view prefix);

// True when the last component of `path` matches one of the basename `patterns`.
bool basename_matches(std::string_view path, const std::vector<std::string> &patterns);

// The length of the literal part of an absolute pattern: up to (not including) the '/' before
// the first component with a glob character, or the whole pattern when it has none.
// "/home/a/.ssh/*" → 12 ("/home/a/.ssh"); "/etc/shadow" → 11; "/*/x" → 0.
std::size_t literal_length(std::string_view pattern);

}  // namespace runtimo::policy
