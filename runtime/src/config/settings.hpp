// config/settings.hpp — the runtime's configuration: where its home is, which config file
// applies, and the typed settings every other module reads.
//
// Sources, later ones winning: the embedded default (conf/runtimo.json, compiled in), then the
// config file (--config / RUNTIMO_CONFIG) merged over it (objects merged key by key, arrays and
// scalars replaced), then environment extensions (RUNTIMO_ALLOWED_PATHS, RUNTIMO_PLUGIN_PATH).
// The file is read like every input file (policy/input_file.hpp: a regular file of at most
// 16 MiB, not in the built-in protected set, never stdin) and validated against
// conf/runtimo.schema.json: a parse error or an unknown key is a ConfigError naming the file
// and the position or key — never a silent fallback to defaults. A file that is not JSON is
// never quoted (only the line, column and the parser's reason); once a file has parsed as a
// JSON object it is the caller's configuration, so an error may name its keys and quote the
// value found wrong — that is what lets them fix it.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace runtimo::config {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string &message, std::string hint = {})
      : std::runtime_error(message), hint_(std::move(hint)) {}
  const std::string &hint() const noexcept { return hint_; }

 private:
  std::string hint_;
};

// The resource guard's thresholds (config "guard"); an unset threshold is off.
struct GuardSettings {
  bool enabled = true;
  std::optional<double> mem_available_pct_min;
  std::optional<double> load_per_cpu_max;
  std::optional<double> psi_memory_some_avg10_max;
  std::optional<double> psi_cpu_some_avg10_max;
  std::optional<double> psi_io_some_avg10_max;
  std::optional<double> home_free_pct_min;
};

// The spawn service (config "spawn"): what a command's environment may take from the runtime's
// (names, "LC_*" a prefix), which programs are refused, how long SIGTERM has before SIGKILL,
// the default cap of each output stream, and whether cgroups are used where possible.
struct SpawnSettings {
  std::vector<std::string> env_allow;
  std::vector<std::string> deny_programs;  // basenames; "mkfs.*" a prefix
  std::uint64_t kill_grace_ms = 2000;
  std::uint64_t max_output_bytes = 1 << 20;
  bool use_cgroup = true;
};

struct Settings {
  std::filesystem::path config_file;  // empty when only the embedded default applies
  boost::json::value effective;       // the merged configuration

  std::vector<std::filesystem::path> plugin_dirs;  // config "plugin_dirs" + RUNTIMO_PLUGIN_PATH

  std::vector<std::string> write_prefixes;  // config + RUNTIMO_ALLOWED_PATHS
  std::vector<std::string> read_prefixes;
  std::vector<std::string> protected_paths;
  std::vector<std::string> readable_exceptions;
  std::vector<std::string> protected_units;
  std::set<std::string> in_process_plugins;  // config plugins.<name>.isolation = "in_process"

  std::uint64_t segment_bytes = 64ull << 20;
  std::string sync = "durable";  // always | durable | never
  std::uint64_t max_output_bytes = 256;    // strings in journaled values are cut past this
  std::uint64_t max_line_bytes = 65536;    // no journal line is longer
  std::uint64_t default_deadline_ms = 30000;
  std::string log_level = "warning";
  std::string snapshot_mode = "summary";  // summary | full
  GuardSettings guard;
  SpawnSettings spawn;
};

// Loads and validates. `config_file` empty → RUNTIMO_CONFIG (when use_env) → embedded only.
Settings load_settings(const std::filesystem::path &config_file, bool use_env);

// Parses and validates one configuration text (used by load_settings and tests). `origin`
// names the text in error messages.
boost::json::value parse_config_text(std::string_view text, const std::string &origin);

// <home> = flag, else RUNTIMO_HOME, else $XDG_STATE_HOME/runtimo, else $HOME/.local/state/runtimo,
// else the passwd home's .local/state/runtimo. Never a shared /tmp path. Throws ConfigError,
// also for a home that is or resolves to a system directory (whatever it is opened for).
std::filesystem::path resolve_home(const std::filesystem::path &flag, bool use_env);

// Refuses a home that is or resolves to a system directory (/, /etc, /usr, /run, /bin, /sbin,
// /lib*, /boot, /dev, /proc, /sys, /var, /home, /root, /tmp, /opt, /srv, /mnt, /media) or lies
// below /proc, /sys, /dev, /etc, /usr, /boot, /bin, /sbin or /lib*; then creates <home> (0700)
// if needed and refuses one owned by another user or writable by group/others. Throws
// ConfigError.
void prepare_home(const std::filesystem::path &home);

// The runtime user's home from the passwd database (getpwuid(geteuid()), never $HOME), used for
// "~" in path rules; empty when passwd has none.
std::filesystem::path user_home();

}  // namespace runtimo::config
