// policy/path_patterns.hpp — how the path policy compares paths with its configured entries.
//
// Owns: "~" expansion, prefix containment by whole path components ("/tmp" contains "/tmp"
// and "/tmp/a", never "/tmpevil"), protected-pattern matching with fnmatch(3) FNM_PATHNAME
// (a path is protected when it or one of its ancestors matches, so a protected directory
// protects what lies below it), and basename matching for the readable exceptions.
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

// True when `path` or one of its ancestors matches one of `patterns`.
bool matches_protected(std::string_view path, const std::vector<std::string> &patterns);

// True when the last component of `path` matches one of the basename `patterns`.
bool basename_matches(std::string_view path, const std::vector<std::string> &patterns);

}  // namespace runtimo::policy
