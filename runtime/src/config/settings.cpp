// config/settings.cpp — loading, validating and merging the configuration; home resolution.
#include "config/settings.hpp"

#include "policy/input_file.hpp"
#include "policy/path_policy.hpp"
#include "policy/path_resolution.hpp"
#include "schema/schema_validator.hpp"

#include "embedded_config.hpp"

#include <boost/json.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace runtimo::config {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const char *env(const char *name, bool use_env) {
  if (!use_env) return nullptr;
  const char *v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

std::vector<std::string> split_colon_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(':', start), text.size());
    std::string item(text.substr(start, end - start));
    // Trim spaces; drop empty entries.
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    start = end + 1;
  }
  return out;
}

// "line L, column C" of byte offset `pos` in `text`.
std::string position_of(std::string_view text, std::size_t pos) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// conf/runtimo.schema.json, compiled in, parsed once.
const json::value &config_schema_json() {
  static const json::value parsed = json::parse(embedded::config_schema);
  return parsed;
}

// The compiled config schema. It is the project's own, so it is not checked against the
// draft-07 meta-schema on every start (without that check a command with a config file runs
// 5.4 M instructions instead of 8.0 M): unit_config_default checks it once.
const schema::CompiledSchema &config_schema() {
  static const std::shared_ptr<const schema::CompiledSchema> compiled = [] {
    std::vector<schema::SchemaError> problems;
    auto s = schema::CompiledSchema::compile(config_schema_json(), problems, /*meta_checked=*/true);
    if (!s) throw ConfigError("the embedded config schema is invalid: " + problems.front().message);
    return s;
  }();
  return *compiled;
}

// Reports the first key not declared by the schema, with the keys that are.
void check_unknown_keys(const json::value &doc, const json::value &schema, const std::string &where,
                        const std::string &origin) {
  if (!doc.is_object() || !schema.is_object()) return;
  const json::object &s = schema.as_object();
  const auto *props = s.if_contains("properties");
  if (props == nullptr || !props->is_object()) return;
  for (const auto &[key, value] : doc.as_object()) {
    const auto *sub = props->as_object().if_contains(key);
    if (sub == nullptr) {
      std::string known;
      for (const auto &[k, v] : props->as_object()) known += (known.empty() ? "" : ", ") + std::string(k);
      throw ConfigError(origin + ": unknown key \"" + std::string(key) + "\" at " +
                            (where.empty() ? "the top level" : where),
                        "known keys there: " + known);
    }
    check_unknown_keys(value, *sub, where + "/" + std::string(key), origin);
  }
}

void merge_into(json::value &base, const json::value &over) {
  if (base.is_object() && over.is_object()) {
    for (const auto &[k, v] : over.as_object()) {
      auto &slot = base.as_object()[k];
      if (slot.is_object() && v.is_object()) {
        merge_into(slot, v);
      } else {
        slot = v;
      }
    }
  } else {
    base = over;
  }
}

std::vector<std::string> strings_at(const json::value &root, std::initializer_list<const char *> path) {
  const json::value *v = &root;
  for (const char *k : path) {
    if (!v->is_object()) return {};
    v = v->as_object().if_contains(k);
    if (v == nullptr) return {};
  }
  std::vector<std::string> out;
  if (v->is_array())
    for (const auto &e : v->as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

const json::value *value_at(const json::value &root, const char *section, const char *key) {
  if (!root.is_object()) return nullptr;
  const auto *s = root.as_object().if_contains(section);
  if (s == nullptr || !s->is_object()) return nullptr;
  return s->as_object().if_contains(key);
}

}  // namespace

namespace {

// `text` parsed as one JSON object, not yet checked against the schema.
json::value parse_json_object(std::string_view text, const std::string &origin) {
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    throw ConfigError(origin + ": " + position_of(text, used) + ": invalid JSON: " + ec.message(),
                      "fix the syntax; the file must be one JSON object");
  }
  json::value doc = parser.release();
  if (!doc.is_object())
    throw ConfigError(origin + ": the configuration must be a JSON object",
                      "start from conf/runtimo.json");
  return doc;
}

// The config file's text: a regular file of at most 16 MiB that the built-in protected set
// does not cover (the configured additions are not known before the file is read), read
// through the path policy's open like every file; never standard input, which carries job
// arguments (run --args-file -) and the MCP protocol. A refusal never quotes the file.
std::string read_config_file(const fs::path &file) {
  policy::PathRules builtin_only;
  builtin_only.home = user_home();
  const policy::InputFile in = policy::read_input_file(policy::PathPolicy(builtin_only),
                                                       file.string(), "config file", false);
  if (!in.decision.ok())
    throw ConfigError(in.decision.message,
                      in.decision.hint.empty()
                          ? "check the path given with --config or RUNTIMO_CONFIG"
                          : in.decision.hint);
  return in.text;
}

}  // namespace

json::value parse_config_text(std::string_view text, const std::string &origin) {
  json::value doc = parse_json_object(text, origin);
  check_unknown_keys(doc, config_schema_json(), "", origin);
  const auto errors = config_schema().validate(doc);
  if (!errors.empty()) {
    const auto &e = errors.front();
    throw ConfigError(origin + ": " + (e.path.empty() ? std::string("top level") : e.path) + ": " +
                          e.message,
                      "see conf/runtimo.schema.json for the allowed values");
  }
  return doc;
}

Settings load_settings(const fs::path &config_file, bool use_env) {
  Settings s;
  // The embedded default is conf/runtimo.json, which unit_config_default checks against the
  // schema: compiling and applying the schema on every start would cost each command ~0.6 ms.
  json::value merged = parse_json_object(embedded::default_config, "embedded default config");

  fs::path file = config_file;
  if (file.empty())
    if (const char *v = env("RUNTIMO_CONFIG", use_env)) file = v;
  if (!file.empty()) {
    merge_into(merged, parse_config_text(read_config_file(file), file.string()));
    s.config_file = fs::absolute(file);
  }

  for (const auto &d : strings_at(merged, {"plugin_dirs"})) s.plugin_dirs.emplace_back(d);
  if (const char *v = env("RUNTIMO_PLUGIN_PATH", use_env))
    for (auto &d : split_colon_list(v)) s.plugin_dirs.emplace_back(d);

  s.write_prefixes = strings_at(merged, {"paths", "write_prefixes"});
  if (const char *v = env("RUNTIMO_ALLOWED_PATHS", use_env))
    for (auto &p : split_colon_list(v)) s.write_prefixes.push_back(p);
  s.read_prefixes = strings_at(merged, {"paths", "read_prefixes"});
  s.protected_paths = strings_at(merged, {"paths", "protected"});
  s.readable_exceptions = strings_at(merged, {"paths", "readable_exceptions"});
  s.protected_units = strings_at(merged, {"processes", "protected_units"});
  if (const auto *plugins = merged.as_object().if_contains("plugins"); plugins && plugins->is_object())
    for (const auto &[name, settings] : plugins->as_object())
      if (const auto *isolation = settings.as_object().if_contains("isolation");
          isolation && isolation->is_string() && isolation->as_string() == "in_process")
        s.in_process_plugins.emplace(name);

  if (const auto *v = value_at(merged, "journal", "segment_bytes"); v && v->is_int64())
    s.segment_bytes = static_cast<std::uint64_t>(v->as_int64());
  if (const auto *v = value_at(merged, "journal", "sync"); v && v->is_string())
    s.sync = std::string(v->as_string());
  if (const auto *v = value_at(merged, "journal", "max_output_bytes"); v && v->is_int64())
    s.max_output_bytes = static_cast<std::uint64_t>(v->as_int64());
  if (const auto *v = value_at(merged, "journal", "max_line_bytes"); v && v->is_int64())
    s.max_line_bytes = static_cast<std::uint64_t>(v->as_int64());
  if (const auto *v = value_at(merged, "jobs", "default_deadline_ms"); v && v->is_int64())
    s.default_deadline_ms = static_cast<std::uint64_t>(v->as_int64());
  if (const auto *v = value_at(merged, "log", "level"); v && v->is_string())
    s.log_level = std::string(v->as_string());
  if (const auto *v = value_at(merged, "snapshots", "mode"); v && v->is_string())
    s.snapshot_mode = std::string(v->as_string());
  if (const auto *v = value_at(merged, "guard", "enabled"); v && v->is_bool())
    s.guard.enabled = v->as_bool();
  const auto threshold = [&](const char *key, std::optional<double> &out) {
    if (const auto *v = value_at(merged, "guard", key); v && v->is_number()) out = v->to_number<double>();
  };
  threshold("mem_available_pct_min", s.guard.mem_available_pct_min);
  threshold("load_per_cpu_max", s.guard.load_per_cpu_max);
  threshold("psi_memory_some_avg10_max", s.guard.psi_memory_some_avg10_max);
  threshold("psi_cpu_some_avg10_max", s.guard.psi_cpu_some_avg10_max);
  threshold("psi_io_some_avg10_max", s.guard.psi_io_some_avg10_max);
  threshold("home_free_pct_min", s.guard.home_free_pct_min);
  s.spawn.env_allow = strings_at(merged, {"spawn", "env_allow"});
  s.spawn.deny_programs = strings_at(merged, {"spawn", "deny_programs"});
  if (const auto *v = value_at(merged, "spawn", "kill_grace_ms"); v && v->is_int64())
    s.spawn.kill_grace_ms = static_cast<std::uint64_t>(v->as_int64());
  if (const auto *v = value_at(merged, "spawn", "max_output_bytes"); v && v->is_int64())
    s.spawn.max_output_bytes = static_cast<std::uint64_t>(v->as_int64());
  if (const auto *v = value_at(merged, "spawn", "cgroup"); v && v->is_string()) s.spawn.use_cgroup = v->as_string() != "off";
  s.effective = std::move(merged);
  return s;
}

fs::path user_home() {
  if (const passwd *pw = ::getpwuid(::geteuid());
      pw != nullptr && pw->pw_dir != nullptr && pw->pw_dir[0] == '/')
    return pw->pw_dir;
  return {};
}

namespace {
fs::path choose_home(const fs::path &flag, bool use_env);
void refuse_system_home(const fs::path &home);
}  // namespace

fs::path resolve_home(const fs::path &flag, bool use_env) {
  fs::path home = choose_home(flag, use_env);
  refuse_system_home(home);
  return home;
}

namespace {

fs::path choose_home(const fs::path &flag, bool use_env) {
  if (!flag.empty()) return fs::absolute(flag);
  if (const char *v = env("RUNTIMO_HOME", use_env)) return fs::absolute(v);
  if (const char *v = env("XDG_STATE_HOME", use_env); v != nullptr && v[0] == '/')
    return fs::path(v) / "runtimo";
  if (const char *v = env("HOME", use_env); v != nullptr && v[0] == '/')
    return fs::path(v) / ".local" / "state" / "runtimo";
  if (const fs::path home = user_home(); !home.empty())
    return home / ".local" / "state" / "runtimo";
  throw ConfigError("cannot find a home for Runtimo: no --home, RUNTIMO_HOME, XDG_STATE_HOME or HOME",
                    "pass --home DIR or set RUNTIMO_HOME (a private directory, not /tmp)");
}

// Directories that are the system's, never a home for Runtimo's journal, run markers and
// backups; the first group also for everything below them.
constexpr const char *kSystemTrees[] = {"/proc", "/sys",  "/dev", "/etc",
                                        "/usr",  "/boot", "/bin", "/sbin"};
constexpr const char *kSystemDirs[] = {"/",    "/run", "/var", "/home", "/root",
                                       "/tmp", "/opt", "/srv", "/mnt",  "/media"};

// The system directory `resolved` (absolute, normalised, symlinks resolved) is or lies in, or
// "" when it is neither. /lib, /lib32, /lib64, /libx32 … count as trees.
std::string system_directory_of(const std::string &resolved) {
  const std::size_t second = resolved.find('/', 1);
  const std::string top = resolved.substr(0, second);
  if (top.rfind("/lib", 0) == 0) return top;
  for (const char *tree : kSystemTrees)
    if (top == tree) return top;
  for (const char *dir : kSystemDirs)
    if (resolved == dir) return resolved;
  return {};
}

// Refuses a home that is, or resolves to, a system directory (see kSystemTrees/kSystemDirs):
// judged on the path as given and on where its symlinks lead.
void refuse_system_home(const fs::path &home) {
  const std::string given = policy::lexically_normal(fs::absolute(home).string());
  const policy::Resolution r = policy::resolve_path(given);
  const std::string resolved = r.ok() ? r.path : given;
  for (const std::string *path : {&given, &resolved}) {
    const std::string system = system_directory_of(*path);
    if (system.empty()) continue;
    const std::string named =
        resolved == given ? given : given + " (which resolves to " + resolved + ")";
    throw ConfigError(
        "home " + named +
            (system == *path ? " is the system directory " : " lies in the system directory ") +
            system + ": Runtimo's journal, run markers and backups must not live there",
        "pass --home DIR, a private directory such as ~/.local/state/runtimo");
  }
}

}  // namespace

void prepare_home(const fs::path &home) {
  refuse_system_home(home);
  std::error_code ec;
  if (!fs::exists(home, ec)) {
    fs::create_directories(home.parent_path(), ec);
    if (::mkdir(home.c_str(), 0700) != 0 && errno != EEXIST)
      throw ConfigError("cannot create home " + home.string() + ": " + std::strerror(errno),
                        "pass a writable directory with --home or RUNTIMO_HOME");
  }
  struct stat st {};
  if (::stat(home.c_str(), &st) != 0)
    throw ConfigError("cannot use home " + home.string() + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) throw ConfigError("home " + home.string() + " is not a directory");
  if (st.st_uid != ::geteuid())
    throw ConfigError("home " + home.string() + " belongs to uid " + std::to_string(st.st_uid) +
                          ", not to this user (uid " + std::to_string(::geteuid()) + ")",
                      "use a home directory you own");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    throw ConfigError("home " + home.string() + " is writable by other users",
                      "run: chmod go-w " + home.string());
}

}  // namespace runtimo::config
