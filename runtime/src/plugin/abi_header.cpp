// plugin/abi_header.cpp — the ABI check and the size-prefixed copy of rt_plugin (see the header).
#include "plugin/abi_header.hpp"

#include <algorithm>
#include <cstring>

namespace runtimo::plugin {
namespace {

// The table as ABI 1.0 defined it ends with `capabilities`; every field up to there is
// mandatory for a 1.x plugin.
constexpr std::size_t kPluginHeaderSize = offsetof(rt_plugin, name);
constexpr std::size_t kPluginV1Size =
    offsetof(rt_plugin, capabilities) + sizeof(rt_plugin::capabilities);

// How far read_c_string looks for the end of a string that is too long.
constexpr std::size_t kMeasuredStringBytes = 16u << 20;

std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

std::string plugin_stem(const std::filesystem::path &path) {
  std::string stem = path.filename().string();
  if (stem.starts_with("libcap_")) stem.erase(0, 7);
  if (stem.ends_with(".so")) stem.erase(stem.size() - 3);
  return stem;
}

std::optional<std::string_view> read_c_string(const char *text, std::size_t max_len,
                                              std::string &problem) {
  if (text == nullptr) {
    problem = "is NULL";
    return std::nullopt;
  }
  // Measured further than allowed, so the message can say how long it is.
  const std::size_t limit = std::max<std::size_t>(max_len + 1, kMeasuredStringBytes);
  const std::size_t len = ::strnlen(text, limit);
  if (len <= max_len) return std::string_view(text, len);
  problem = len == limit ? "is longer than " + std::to_string(limit - 1) + " bytes (is it NUL-terminated?)"
                         : "is " + std::to_string(len) + " bytes long";
  problem += "; at most " + std::to_string(max_len) + " are allowed";
  return std::nullopt;
}

bool read_plugin_header(const rt_plugin *table, const std::filesystem::path &path, rt_plugin &copy,
                        AbiVersion &version, std::string &reason) {
  const std::string file = path.string();
  if (table == nullptr) {
    reason = file + ": " RT_PLUGIN_ENTRY_SYMBOL "() returned NULL instead of its plugin table";
    return false;
  }
  // The three header fields are frozen for every ABI major; read them and nothing else yet.
  const std::uint32_t size = table->struct_size;
  if (size < kPluginHeaderSize) {
    reason = file + ": the plugin table's struct_size (" + std::to_string(size) +
             ") is smaller than its version header (" + std::to_string(kPluginHeaderSize) +
             " bytes): not a Runtimo plugin table";
    return false;
  }
  version.major = table->abi_major;
  version.minor = table->abi_minor;
  const std::string host = version_text(RT_ABI_MAJOR, RT_ABI_MINOR);
  const std::string built = version_text(version.major, version.minor);
  const std::string who = "plugin " + plugin_stem(path) + " (" + file + ")";
  if (version.major != RT_ABI_MAJOR) {
    reason = who + " was built for Runtimo ABI " + built + " but this host speaks ABI " + host +
             " (major versions must match): rebuild it against this SDK";
    return false;
  }
  if (version.minor > RT_ABI_MINOR) {
    reason = who + " was built for Runtimo ABI " + built + ", newer than this host's " + host +
             ": upgrade Runtimo or rebuild the plugin against SDK " + host;
    return false;
  }
  // A plugin of this or an older minor can never have a larger table than this host knows.
  if (size > sizeof(rt_plugin)) {
    reason = file + ": the plugin table declares struct_size " + std::to_string(size) +
             ", more than rt_plugin of ABI " + built + " has (" + std::to_string(sizeof(rt_plugin)) +
             " bytes): the table is corrupt or was built from a modified abi.h";
    return false;
  }
  if (size < kPluginV1Size) {
    reason = file + ": the plugin table's struct_size (" + std::to_string(size) +
             ") is too small to hold the fields ABI 1.0 requires (" +
             std::to_string(kPluginV1Size) + " bytes): rebuild it against this SDK";
    return false;
  }
  std::memset(&copy, 0, sizeof copy);
  std::memcpy(&copy, table, size);
  return true;
}

}  // namespace runtimo::plugin
