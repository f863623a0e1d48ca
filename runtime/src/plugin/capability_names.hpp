// plugin/capability_names.hpp — the naming rules for plugins and capabilities, and the
// forgiving lookup agents rely on.
//
// Owns: which plugin and capability names are valid, how a name is normalised for lookup
// (normalise_capability_name, declared in plugin_registry.hpp), and the "did you mean"
// ranking (edit distance plus prefix/substring matches on normalised names).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::plugin {

// [a-z0-9_]+ (the plugin name is also its file name: libcap_<name>.so).
bool is_valid_plugin_name(std::string_view name);

// [A-Za-z][A-Za-z0-9_]{0,63}.
bool is_valid_capability_name(std::string_view name);

// Levenshtein distance (insert, delete, substitute all cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// Up to `limit` of `candidates` (original spellings) close to `query`, best first: a candidate
// qualifies when its normalised name is within max(2, len/3) edits of the normalised query, or
// starts with it, or contains it (queries of two characters or more). Ranked: one-edit typos
// and prefix matches first, then the other close names, then substring matches; by distance
// and name within each group.
std::vector<std::string> closest_names(std::string_view query,
                                       const std::vector<std::string> &candidates,
                                       std::size_t limit = 3);

}  // namespace runtimo::plugin
