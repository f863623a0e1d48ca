// runtimo/plugin_check.hpp — judging one plugin file before it is installed: what
// `runtimo plugin check FILE` prints, for plugin authors and for operators before they drop a
// file into a plugin directory.
//
// The file is never loaded into the calling process: it is loaded in a probe process, exactly
// as a Runtime would load it from a plugin directory (the same checks, the same messages), and
// its ELF header and dynamic symbol table are read as data.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace runtimo {

struct PluginCheckOptions {
  // How long the probe may take; zero: RUNTIMO_PLUGIN_PROBE_TIMEOUT (seconds) when
  // use_environment, else 5 s.
  std::chrono::milliseconds probe_timeout{0};
  bool use_environment = true;
};

struct PluginCheck {
  std::filesystem::path file;
  // False when `file` is not a regular file (or a symbolic link to one): nothing was checked,
  // `reason` says what it is. The CLI treats that as a usage error.
  bool is_file = false;
  bool loads = false;  // a Runtime would load it (directory permissions and clashes with
                       // other plugins aside: they depend on where it is installed)
  std::string reason;  // why it would be rejected (when !loads)
  // The probe's verdict (passed, rejected, crashed, exited, hung, failed); empty when the file
  // was refused before a probe (its permissions, not an ELF shared object for this host).
  std::string probe;
  std::string abi;  // "1.1", once the probe read the table's header
  std::string name;
  std::string version;
  struct Capability {
    std::string name;  // empty when its name could not be read
    std::vector<std::string> flags;
    std::string problem;  // empty: every check passed (schema included)
  };
  std::vector<Capability> capabilities;
  // Dynamic symbols the file exports besides the entry symbol (read from .dynsym).
  std::vector<std::string> extra_exports;
  std::vector<std::string> warnings;
  boost::json::value to_json() const;
};

// Checks `file`. Throws std::invalid_argument when RUNTIMO_PLUGIN_PROBE_TIMEOUT is malformed.
PluginCheck check_plugin_file(const std::filesystem::path &file,
                              const PluginCheckOptions &options = {});

}  // namespace runtimo
