// plugin/abi_header.hpp — reading a plugin's rt_plugin table safely: the ABI version check
// before anything else, then the size-prefixed copy.
//
// Owns: the order of the first reads (struct_size, then abi_major/abi_minor, and nothing else
// until they pass), Falco's compatibility rule (major equal, plugin minor not newer than the
// host's), OBS's struct rule (refuse a struct_size larger than this host knows, copy a smaller
// one into a zeroed struct, require every mandatory field to lie inside struct_size), and
// bounded reads of the C strings a plugin hands over.
#pragma once

#include <runtimo/abi.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::plugin {

// The versions a table declared (known as soon as its header could be read).
struct AbiVersion {
  unsigned major = 0;
  unsigned minor = 0;
};

// Reads `table` (the entry's return value) into `copy`. Returns false with `reason` naming
// the file (and, for version problems, both versions); `version` is filled as soon as the
// header could be read.
bool read_plugin_header(const rt_plugin *table, const std::filesystem::path &path, rt_plugin &copy,
                        AbiVersion &version, std::string &reason);

// The NUL-terminated string at `text`, if it is not NULL and at most `max_len` bytes long;
// otherwise nullopt, and `problem` says which, worded to follow what the string is ("is NULL",
// "is 10240 bytes long; at most 64 are allowed").
std::optional<std::string_view> read_c_string(const char *text, std::size_t max_len,
                                              std::string &problem);

// "libcap_kill.so" → "kill": how messages name a plugin before its table may be read.
std::string plugin_stem(const std::filesystem::path &path);

}  // namespace runtimo::plugin
