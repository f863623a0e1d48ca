// runtimo/runtime.hpp — the embedding API: everything a host program (the `runtimo` CLI, the
// MCP server, the daemon, or an orchestrator of your own) needs to run capability jobs.
//
// A Runtime is built from a configuration, loads the capability plugins, and runs jobs through
// the one pipeline (resolve → parse → schema → validate → journal → execute → journal). It is
// thread-safe: run() may be called from any number of threads at once.
#pragma once

#include <runtimo/job.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo {

// Thrown when a Runtime cannot be built (bad config, unusable home, journal unwritable).
class RuntimeError : public std::runtime_error {
 public:
  enum class Kind { config, journal };
  RuntimeError(Kind kind, const std::string &message, std::string hint = {})
      : std::runtime_error(message), kind_(kind), hint_(std::move(hint)) {}
  Kind kind() const noexcept { return kind_; }
  const std::string &hint() const noexcept { return hint_; }
  // 2 for configuration problems the user must fix, 4 for an unusable journal.
  int exit_code() const noexcept { return kind_ == Kind::config ? 2 : 4; }

 private:
  Kind kind_;
  std::string hint_;
};

// Where the runtime lives and what configures it. Empty fields fall back to the documented
// defaults (see README "Home and configuration").
struct RuntimeOptions {
  // What the Runtime is opened for:
  //   run      the journal is opened for writing and recovered (a torn tail cut, jobs of dead
  //            runners journaled as interrupted), this process becomes a runner, plugins load;
  //   inspect  plugins load so they can be listed and described; no journal is opened
  //            (`list`, `describe`, `plugins`); run() throws std::logic_error;
  //   journal  the journal is only read: nothing on disk is created or changed, no plugin is
  //            loaded (`logs`, `status`, `wal verify`); run() throws std::logic_error;
  //   observe  telemetry(), processes() and guard_state() only: no journal, no plugin, nothing
  //            written (`telemetry`, `processes`); run() throws std::logic_error.
  enum class Purpose { run, inspect, journal, observe };
  Purpose purpose = Purpose::run;
  std::filesystem::path home;         // --home; else RUNTIMO_HOME, XDG_STATE_HOME, HOME
  std::filesystem::path config_file;  // --config; else RUNTIMO_CONFIG; else embedded default
  std::vector<std::filesystem::path> extra_plugin_dirs;  // --plugin-dir (searched last)
  bool use_environment = true;        // read RUNTIMO_* / XDG_* / HOME from the environment
  bool load_build_plugins = true;     // search the build's plugin directory first
  bool load_plugins = true;           // false: no plugin at all (jobs then all "unknown")
  // When set, only the plugin that provides this capability is loaded: the file named after
  // it (libcap_file_read.so for FileRead), else every plugin until one provides it. `runtimo
  // run` sets it, so a job pays for one plugin, not all of them.
  std::string only_plugin_for;
  std::string log_level;              // --log-level; else RUNTIMO_LOG; else config "log.level"
};

struct CapabilityInfo {
  std::string name;
  std::string description;
  boost::json::value schema;
  std::vector<std::string> flags;  // read_only, destructive, idempotent, ...
  std::uint32_t flag_bits = 0;
  std::string plugin;
  std::string plugin_version;
  std::filesystem::path plugin_path;
  boost::json::value to_json() const;
};

struct PluginInfo {
  std::filesystem::path path;
  bool loaded = false;
  std::string name;
  std::string version;
  std::string abi;  // "1.0"
  std::vector<std::string> capabilities;
  std::string reason;  // why it was rejected (when !loaded)
  // What the file's probe found ("passed", "rejected", "crashed", "exited", "hung", "failed"),
  // empty when the file was refused before a probe; whether the verdict came from the probe
  // cache (<home>/index/plugin-probes) instead of a probe run by this command.
  std::string probe;
  bool probe_cached = false;
  boost::json::value to_json() const;
};

// What the journal says about one job.
// A session groups jobs (RunOptions::session_id). Its life is journaled (session.created,
// session.closed); what it holds is derived from the journal.
struct SessionSummary {
  std::string id;
  std::string name;
  std::string created;  // ts of session.created
  std::string closed;   // ts of session.closed, "" while open
  std::vector<std::string> jobs;  // its jobs' ids, oldest first
  boost::json::value to_json() const;
};

struct JobSummary {
  std::string job_id;
  std::string capability;
  // completed | failed | rejected | timed_out | cancelled | interrupted (journaled so, or its
  // runner is gone) | running (started, no end yet, its runner alive)
  std::string state;
  std::string started;  // ts of the first event
  std::string ended;    // ts of the terminal event ("" while running)
  double duration_ms = 0;
  std::string message;
  std::vector<boost::json::value> events;  // oldest first (only filled by job_status)
  boost::json::value to_json() const;
};

// The result of checking every journal line.
struct JournalCheck {
  bool ok = true;
  boost::json::value report;  // {ok, segments, lines, first_seq, last_seq, problems:[...]}
};

class Runtime {
 public:
  // Loads config and, as RuntimeOptions::purpose says, opens (and recovers) the journal and
  // loads plugins. Throws RuntimeError.
  static std::unique_ptr<Runtime> open(const RuntimeOptions &options = {});
  ~Runtime();
  Runtime(const Runtime &) = delete;
  Runtime &operator=(const Runtime &) = delete;

  // Capabilities sorted by name.
  std::vector<CapabilityInfo> list() const;
  // Forgiving lookup (case-insensitive, '_' and '-' ignored). nullopt when unknown; then
  // suggest() gives the closest names.
  std::optional<CapabilityInfo> describe(std::string_view name) const;
  std::vector<std::string> suggest(std::string_view name) const;
  // Every plugin file seen, loaded or rejected, in load order.
  std::vector<PluginInfo> plugins() const;

  // Run one job through the pipeline. Never throws for job-level problems: they are in the
  // result (status, error, exit_code()); throws std::logic_error on a Runtime not opened to
  // run jobs (Purpose other than run).
  JobResult run(std::string_view capability, std::string_view args_json,
                const RunOptions &options = {});
  // A fresh job id (128 random bits, hex), for RunOptions::job_id.
  static std::string new_job_id();

  // The text of a job's arguments file (the CLI's --args-file): "-" reads standard input; any
  // other path is read through the read policy — a regular file of at most 16 MiB that is not
  // protected (a FIFO, device or directory is refused without being opened). On refusal
  // returns nullopt and fills `error` (kind "denied" for a protected file, exit 3; "usage"
  // otherwise, exit 2): the message names the path and never quotes the file.
  std::optional<std::string> read_args_file(std::string_view path, JobError &error) const;

  // Journal queries (the journal is the source of truth; nothing else is consulted).
  // The last `n` events (all when 0), optionally of one job, oldest first.
  std::vector<boost::json::value> events(std::size_t n, std::string_view job = {}) const;
  // One job with all its events; nullopt when the journal has none.
  std::optional<JobSummary> job_status(std::string_view job) const;
  // The most recent `n` jobs, oldest first.
  std::vector<JobSummary> recent_jobs(std::size_t n) const;

  // Sessions (a Runtime opened to run jobs journals them). create_session journals
  // session.created and returns the new id; close_session journals session.closed and throws
  // std::invalid_argument for a session that does not exist or is closed already. sessions()
  // and session() read the whole journal.
  std::string create_session(std::string_view name);
  void close_session(std::string_view id);
  std::vector<SessionSummary> sessions() const;
  std::optional<SessionSummary> session(std::string_view id) const;

  // Retention of backups (`runtimo gc`): removes the stored pre-images of jobs older than
  // `older_than`, then the oldest others while all of them take more than `max_bytes` —
  // never those younger than `min_age`, nor of a job in an open session — and journals what it
  // removed (gc.collected). A dry run removes and journals nothing. Undo of a collected job
  // says so.
  struct GcOptions {
    std::chrono::seconds older_than{30 * 24 * 3600};
    std::uint64_t max_bytes = 10ull << 30;
    std::chrono::seconds min_age{24 * 3600};
    // Journal segments: removed when their newest event is older than journal_older_than, or
    // (oldest first) while the journal takes more than journal_max_bytes.
    std::chrono::seconds journal_older_than{90 * 24 * 3600};
    std::uint64_t journal_max_bytes = 1ull << 30;
    bool dry_run = false;
  };
  // {removed: [{job, bytes, age_s}], kept: n, kept_bytes, protected: [{job, why}], dry_run}
  boost::json::value collect_backups(const GcOptions &options);
  // Retention of the journal: removes its oldest segments, up to the first that must stay —
  // never the current one, nor one with an event of a job whose backups are still stored, of a
  // running job, of an open session, or younger than min_age (so collect_backups first) — and
  // journals what it removed (gc.collected with "segments") before removing it. The jobs in
  // `backups_collected` count as having no backups (what a dry run of collect_backups listed).
  // {removed: [{segment, bytes, age_s, jobs}], removed_bytes, kept_segments, kept_bytes,
  //  stopped_at: {segment, why} | null, dry_run}
  boost::json::value collect_journal(const GcOptions &options, const std::set<std::string> &backups_collected = {});
  // The empty job cgroups (runtimo-job-*) older than a minute that detached commands left when
  // their runtime exited first; how many were (with dry_run: would be) removed.
  std::size_t collect_job_cgroups(bool dry_run);
  JournalCheck verify_journal() const;

  // Observation without a job (what `runtimo telemetry` and `runtimo processes` print): read
  // straight from /proc, /sys and statvfs, never journaled, never a subprocess.
  // A fresh telemetry capture of the given sections (all when empty): host, cpu, memory,
  // pressure, disks, network, ports, gpus. Throws std::invalid_argument for an unknown section.
  boost::json::value telemetry(const std::vector<std::string> &sections = {});
  // A fresh process scan through a query (shape in the README, "Processes"): {} lists every
  // process. Throws std::invalid_argument with the reason for a malformed query.
  boost::json::value processes(const boost::json::value &query);
  // The resource guard's reading right now: {"measured":{…}, "thresholds":{…},
  // "exceeded":[…], "refusing":bool}.
  boost::json::value guard_state() const;

  const std::filesystem::path &home() const;
  std::filesystem::path journal_dir() const;
  // The effective configuration (embedded default merged with the config file) as JSON.
  const boost::json::value &config() const;

  struct Impl;

 private:
  explicit Runtime(std::unique_ptr<Impl> impl);
  // Appends an event that belongs to no job (session.*, gc.collected), durably; throws std::logic_error on a
  // Runtime not opened to run jobs.
  void append_runtime_event(std::string_view type, const boost::json::object &body);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runtimo
