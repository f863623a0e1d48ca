// plugin/plugin_registry.hpp — loading capability plugins and the registry of what loaded.
//
// Owns: finding libcap_*.so files in the plugin directories (in order), the ownership and
// permission check, probing every file the host has not seen in a child process first (see
// probe_process.hpp; verdicts remembered in the probe cache), then, for a file that passed,
// Boost.DLL loading (RTLD_NOW | RTLD_LOCAL), the ABI check before any other plugin call, table
// checks (struct sizes, names, null pointers, flags), schema meta-validation, duplicate
// detection, and keeping every library loaded for the life of the process. Rejected plugins are
// recorded with a reason; a plugin that crashes, exits or hangs while loading does so in its
// probe, and the host carries on with the others.
#pragma once

#include "schema/meta_verdicts.hpp"
#include "schema/schema_validator.hpp"

#include <runtimo/abi.h>

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::plugin {

class ProbeCache;

// How long a probe may take, unless LoadOptions say otherwise.
inline constexpr std::chrono::milliseconds kDefaultProbeTimeout{5000};

struct LoadedCapability {
  std::string name;
  std::string description;
  std::string schema_text;
  boost::json::value schema;
  std::shared_ptr<const schema::CompiledSchema> compiled;
  std::uint32_t flags = 0;
  rt_validate_fn validate = nullptr;
  rt_execute_fn execute = nullptr;
  // Provenance.
  std::string plugin_name;
  std::string plugin_version;
  std::filesystem::path plugin_path;
};

struct PluginRecord {
  std::filesystem::path path;
  bool loaded = false;
  std::string name;
  std::string version;
  unsigned abi_major = 0;
  unsigned abi_minor = 0;
  std::vector<std::string> capabilities;
  std::string reason;  // set when !loaded: what was wrong, naming the file
  // The verdict of the file's probe ("passed", "rejected", "crashed", "exited", "hung",
  // "failed"), empty when the file was refused before it could be probed (permissions, not
  // an ELF shared object, not a file); whether it came from the probe cache.
  std::string probe;
  bool probe_cached = false;
};

struct LoadOptions {
  std::vector<std::filesystem::path> dirs;  // searched in order; missing dirs are skipped
  // Refuse plugin files/directories writable by group or others, or owned by another user
  // than root or the runtime's own uid.
  bool check_permissions = true;
  // When set, load only what it takes to provide this capability: first the files named after
  // it (normalised like capability names: libcap_file_read.so for FileRead), in directory
  // order; only if none of them provides it, every other file. Empty: every file.
  std::string only_for;
  // Schemas already known to pass the draft-07 meta-schema (may be null: check every one).
  schema::MetaVerdicts *meta_verdicts = nullptr;
  // Verdicts of earlier probes (may be null: probe every file). New verdicts are remembered
  // in it; saving it is the caller's choice.
  ProbeCache *probe_cache = nullptr;
  // How long a probe may take before its file is judged to hang.
  std::chrono::milliseconds probe_timeout = kDefaultProbeTimeout;
};

class PluginRegistry {
 public:
  // Loads the libcap_*.so files of every dir (sorted by file name within a dir; all of them
  // unless LoadOptions::only_for says otherwise). Never throws for a bad plugin.
  static std::unique_ptr<PluginRegistry> load(const LoadOptions &options);
  ~PluginRegistry();

  // Sorted by name.
  std::vector<const LoadedCapability *> capabilities() const;
  // Forgiving lookup: case-insensitive, '_' and '-' ignored.
  const LoadedCapability *find(std::string_view name) const;
  // Up to 3 closest names (edit distance on the normalised names).
  std::vector<std::string> suggest(std::string_view name) const;
  const std::vector<PluginRecord> &records() const;

  struct Impl;

 private:
  explicit PluginRegistry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "file_read" == "FileRead" == "file-read": lower-case, '_' and '-' removed.
std::string normalise_capability_name(std::string_view name);

}  // namespace runtimo::plugin
