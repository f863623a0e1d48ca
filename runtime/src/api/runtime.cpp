// api/runtime.cpp — runtimo::Runtime: assembles config, home, journal, plugins, policies and
// the executor, and answers the embedding API.
#include <runtimo/runtime.hpp>

#include "config/install_dirs.hpp"
#include "config/settings.hpp"
#include "backup/backup_store.hpp"
#include "exec/executor.hpp"
#include "exec/job_snapshots.hpp"
#include "exec/resource_guard.hpp"
#include "exec/interrupted_jobs.hpp"
#include "exec/journal_bounds.hpp"
#include "exec/runner_lock.hpp"
#include "exec/worker_pool.hpp"
#include "log/log.hpp"
#include "plugin/capability_flags.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/probe_cache.hpp"
#include "plugin/probe_process.hpp"
#include "policy/input_file.hpp"
#include "policy/path_policy.hpp"
#include "policy/process_policy.hpp"
#include "util/ids.hpp"
#include "util/utf8.hpp"
#include "wal/journal.hpp"
#include "wal/journal_index.hpp"

#include <boost/json.hpp>

#include <cstdlib>

namespace runtimo {
namespace fs = std::filesystem;

struct Runtime::Impl {
  fs::path home;
  config::Settings settings;
  std::unique_ptr<wal::JournalWriter> journal;
  std::unique_ptr<plugin::PluginRegistry> registry;
  std::unique_ptr<policy::PathPolicy> paths;
  std::unique_ptr<policy::ProcessPolicy> processes;
  std::unique_ptr<exec::RunnerLock> runner;  // while this Runtime may run jobs
  exec::JournalBounds bounds;
  std::unique_ptr<exec::JobSnapshots> snapshots;
  std::unique_ptr<exec::ResourceGuard> guard;
  std::unique_ptr<backup::BackupStore> backups;  // <home>/backups: pre-images of what jobs change
  std::unique_ptr<exec::WorkerPool> workers;  // before the executor, after the registry
  std::unique_ptr<exec::Executor> executor;  // null when not opened to run jobs

  // Opens (and recovers) the journal, becomes a runner, then journals as interrupted the jobs
  // whose runner died before their terminal event.
  void open_journal();
};

namespace {

CapabilityInfo info_of(const plugin::LoadedCapability &c) {
  CapabilityInfo i;
  i.name = c.name;
  i.description = c.description;
  i.schema = c.schema;
  i.flag_bits = c.flags;
  i.flags = plugin::capability_flag_names(c.flags);
  i.plugin = c.plugin_name;
  i.plugin_version = c.plugin_version;
  i.plugin_path = c.plugin_path;
  return i;
}

log::Level choose_log_level(const RuntimeOptions &options, const config::Settings &settings) {
  if (!options.log_level.empty()) {
    if (auto l = log::parse_level(options.log_level)) return *l;
    throw RuntimeError(RuntimeError::Kind::config,
                       "unknown log level \"" + options.log_level + "\"",
                       "use trace, debug, info, warning or error");
  }
  if (options.use_environment)
    if (const char *v = std::getenv("RUNTIMO_LOG"); v != nullptr && *v != '\0') {
      if (auto l = log::parse_level(v)) return *l;
      throw RuntimeError(RuntimeError::Kind::config, std::string("RUNTIMO_LOG has an unknown level \"") + v + "\"",
                         "use trace, debug, info, warning or error");
    }
  return log::parse_level(settings.log_level).value_or(log::Level::warning);
}

wal::SyncPolicy sync_policy(const std::string &name) {
  if (name == "always") return wal::SyncPolicy::always;
  if (name == "never") return wal::SyncPolicy::never;
  return wal::SyncPolicy::durable;
}

}  // namespace

void Runtime::Impl::open_journal() {
  try {
    wal::JournalOptions o;
    o.dir = home / "wal";
    o.segment_bytes = settings.segment_bytes;
    o.sync = sync_policy(settings.sync);
    o.max_line_bytes = settings.max_line_bytes;
    o.index_dir = home / "index";  // the highest seq and the open jobs, without a scan
    journal = wal::JournalWriter::open(o);
  } catch (const wal::JournalError &e) {
    throw RuntimeError(RuntimeError::Kind::journal, std::string("cannot open the journal: ") + e.what(),
                       "check the disk and the permissions of " + home.string());
  }
  if (const auto &r = journal->recovery(); r.torn_tail_cut)
    log::write(log::Level::warning,
               "journal recovery cut a torn tail of " + std::to_string(r.cut_bytes) +
                   " bytes (" + r.reason + "); the bytes are kept in " + r.kept_in.string());
  try {
    runner = exec::RunnerLock::acquire(home);
    // Jobs whose runner died before their end: journaled as interrupted, then the dead
    // runners' locks go.
    exec::journal_interrupted_jobs(*journal, *journal->index(), home, runner->identity().id);
    exec::remove_dead_runner_locks(home);
  } catch (const std::exception &e) {
    throw RuntimeError(RuntimeError::Kind::journal, e.what(),
                       "check the disk and the permissions of " + home.string());
  }
}

std::string Runtime::new_job_id() { return util::new_id(); }

void Runtime::append_runtime_event(std::string_view type, const boost::json::object &body) {
  if (!impl_->journal || !impl_->executor)
    throw std::logic_error("this Runtime was not opened to run jobs (RuntimeOptions::purpose run)");
  impl_->journal->append(type, "", body, wal::Durability::durable);
}

std::unique_ptr<Runtime> Runtime::open(const RuntimeOptions &options) {
  using Purpose = RuntimeOptions::Purpose;
  auto impl = std::make_unique<Impl>();
  try {
    impl->settings = config::load_settings(options.config_file, options.use_environment);
    log::init(choose_log_level(options, impl->settings));
    impl->home = config::resolve_home(options.home, options.use_environment);
    // Only a runner creates the home: reading the journal or the machine changes nothing.
    if (options.purpose == Purpose::run) config::prepare_home(impl->home);
  } catch (const config::ConfigError &e) {
    throw RuntimeError(RuntimeError::Kind::config, e.what(), e.hint());
  }
  impl->bounds = exec::JournalBounds{impl->settings.max_output_bytes, impl->settings.max_line_bytes};
  if (options.purpose == Purpose::run) impl->open_journal();

  plugin::LoadOptions load;
  if (options.load_plugins && (options.purpose == Purpose::run || options.purpose == Purpose::inspect)) {
    // The plugins that ship with this binary: the build's, or the installed ones beside it.
    if (options.load_build_plugins)
      if (auto bundled = config::bundled_plugin_dir()) load.dirs.push_back(std::move(*bundled));
    for (const auto &d : impl->settings.plugin_dirs) load.dirs.push_back(d);
    for (const auto &d : options.extra_plugin_dirs) load.dirs.push_back(d);
    load.only_for = options.only_plugin_for;
  }
  // A runner remembers which plugin schemas passed the meta-schema (derived, in its index).
  std::optional<schema::MetaVerdicts> verdicts;
  if (options.purpose == Purpose::run) {
    verdicts.emplace(impl->home / "index" / "meta-schema-passed");
    load.meta_verdicts = &*verdicts;
  }
  // Probe verdicts: read by every purpose that loads plugins, written by runners, and by `list`,
  // `describe` and `plugins` in a home a runner has made (derived data in its index: without
  // it, every `list` would probe again each plugin no job has loaded).
  std::optional<plugin::ProbeCache> probes;
  if (!load.dirs.empty()) {
    probes.emplace(impl->home / "index" / "plugin-probes");
    load.probe_cache = &*probes;
    try {
      if (options.use_environment)
        load.probe_timeout = plugin::probe_timeout_from_environment(load.probe_timeout);
    } catch (const std::invalid_argument &e) {
      throw RuntimeError(RuntimeError::Kind::config, e.what(), "unset it to use the default of 5 s");
    }
  }
  impl->registry = plugin::PluginRegistry::load(load);
  if (verdicts) verdicts->save();
  if (probes && (options.purpose == Purpose::run ||
                 (options.purpose == Purpose::inspect && fs::is_directory(impl->home / "index"))))
    probes->save();
  for (const auto &r : impl->registry->records())
    if (!r.loaded) log::write(log::Level::warning, "plugin rejected: " + r.reason);
  if (options.purpose == Purpose::run)
    impl->workers = std::make_unique<exec::WorkerPool>(*impl->registry, impl->settings.in_process_plugins);

  policy::PathRules rules;
  rules.write_prefixes = impl->settings.write_prefixes;
  rules.read_prefixes = impl->settings.read_prefixes;
  rules.protected_patterns = impl->settings.protected_paths;
  rules.readable_exceptions = impl->settings.readable_exceptions;
  rules.home = config::user_home();
  try {
    impl->paths = std::make_unique<policy::PathPolicy>(std::move(rules));
  } catch (const policy::RuleError &e) {
    throw RuntimeError(RuntimeError::Kind::config, e.what(), e.hint());
  }
  impl->processes = std::make_unique<policy::ProcessPolicy>(impl->settings.protected_units);

  std::vector<std::string> disk_paths;
  for (const auto &p : impl->paths->resolved_write_prefixes()) disk_paths.push_back(p.string());
  impl->snapshots = std::make_unique<exec::JobSnapshots>(
      impl->settings.snapshot_mode == "full" ? exec::SnapshotMode::full : exec::SnapshotMode::summary,
      impl->home, std::move(disk_paths));
  impl->guard = std::make_unique<exec::ResourceGuard>(impl->settings.guard, impl->home);
  if (options.purpose != Purpose::run) return std::unique_ptr<Runtime>(new Runtime(std::move(impl)));

  exec::Services services;
  services.registry = impl->registry.get();
  services.journal = impl->journal.get();
  services.paths = impl->paths.get();
  services.processes = impl->processes.get();
  services.snapshots = impl->snapshots.get();
  services.guard = impl->guard.get();
  services.bounds = &impl->bounds;
  services.runner = impl->runner->identity();
  services.workers = impl->workers.get();
  impl->backups = std::make_unique<backup::BackupStore>(impl->home / "backups");
  services.backups = impl->backups.get();
  services.spawn = &impl->settings.spawn;
  services.job_events = [home = impl->home](std::string_view job) {
    std::vector<boost::json::value> events;
    for (auto &r : wal::JournalIndex::open(home / "wal", home / "index")->job_events(job)) events.push_back(std::move(r.event));
    return events;
  };
  services.default_deadline = std::chrono::milliseconds(impl->settings.default_deadline_ms);
  impl->executor = std::make_unique<exec::Executor>(services);
  return std::unique_ptr<Runtime>(new Runtime(std::move(impl)));
}

Runtime::Runtime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runtime::~Runtime() = default;

std::vector<CapabilityInfo> Runtime::list() const {
  std::vector<CapabilityInfo> out;
  for (const auto *c : impl_->registry->capabilities()) out.push_back(info_of(*c));
  return out;
}

std::optional<CapabilityInfo> Runtime::describe(std::string_view name) const {
  if (const auto *c = impl_->registry->find(name)) return info_of(*c);
  return std::nullopt;
}

std::vector<std::string> Runtime::suggest(std::string_view name) const {
  return impl_->registry->suggest(name);
}

std::vector<PluginInfo> Runtime::plugins() const {
  std::vector<PluginInfo> out;
  for (const auto &r : impl_->registry->records()) {
    PluginInfo p;
    p.path = r.path;
    p.loaded = r.loaded;
    p.name = r.name;
    p.version = r.version;
    if (r.abi_major != 0 || r.abi_minor != 0)
      p.abi = std::to_string(r.abi_major) + "." + std::to_string(r.abi_minor);
    p.capabilities = r.capabilities;
    p.reason = r.reason;
    p.probe = r.probe;
    p.probe_cached = r.probe_cached;
    out.push_back(std::move(p));
  }
  return out;
}

JobResult Runtime::run(std::string_view capability, std::string_view args_json,
                       const RunOptions &options) {
  if (!impl_->executor)
    throw std::logic_error("this Runtime was not opened to run jobs (RuntimeOptions::purpose is not "
                           "run): it has no journal writer; open one with Purpose::run to run jobs");
  return impl_->executor->run(capability, args_json, options);
}

std::optional<std::string> Runtime::read_args_file(std::string_view path, JobError &error) const {
  policy::InputFile in = policy::read_input_file(*impl_->paths, path, "--args-file", true);
  if (in.decision.ok()) return std::move(in.text);
  error.kind = in.decision.status == RT_DENIED ? ErrorKind::denied : ErrorKind::usage;
  error.message = std::move(in.decision.message);
  error.hint = std::move(in.decision.hint);
  return std::nullopt;
}

boost::json::value Runtime::telemetry(const std::vector<std::string> &sections) {
  return impl_->snapshots->telemetry(sections);
}

boost::json::value Runtime::processes(const boost::json::value &query) {
  return impl_->snapshots->processes(snapshot::parse_process_query_value(query));
}

boost::json::value Runtime::guard_state() const {
  return impl_->guard->check().to_json(impl_->guard->thresholds());
}

const fs::path &Runtime::home() const { return impl_->home; }
fs::path Runtime::journal_dir() const { return impl_->home / "wal"; }
const boost::json::value &Runtime::config() const { return impl_->settings.effective; }

// What a plugin wrote and what a file is called are not always UTF-8; the JSON always is.
boost::json::value CapabilityInfo::to_json() const {
  boost::json::array f;
  for (const auto &s : flags) f.emplace_back(s);
  return boost::json::object{{"name", name},
                             {"description", util::repair_utf8(description)},
                             {"flags", std::move(f)},
                             {"plugin", plugin},
                             {"plugin_version", util::repair_utf8(plugin_version)},
                             {"plugin_path", util::repair_utf8(plugin_path.string())},
                             {"schema", schema}};
}

boost::json::value PluginInfo::to_json() const {
  boost::json::array caps;
  for (const auto &c : capabilities) caps.emplace_back(c);
  boost::json::object o{{"path", util::repair_utf8(path.string())}, {"loaded", loaded}};
  if (loaded) {
    o["name"] = name;
    o["version"] = util::repair_utf8(version);
    o["abi"] = abi;
    o["capabilities"] = std::move(caps);
  } else {
    o["reason"] = util::repair_utf8(reason);
  }
  if (!probe.empty()) {
    o["probe"] = probe;
    o["probe_cached"] = probe_cached;
  }
  return o;
}

}  // namespace runtimo
