// plugin/plugin_registry.cpp — PluginRegistry: runs every candidate file through the checks in
// order, keeps what passed, records why the rest did not, and owns every library it opened.
//
// For one file: a plugin file at all (plugin_directory) → permissions of the file and every
// directory above it (plugin_permissions; its stat gives the file's identity) → the verdict the
// probe cache holds for that identity, or else: an ELF shared object for this host
// (elf_header) → a probe (probe_process: the load sequence below in a child) → and only for a
// file whose probe passed, the load sequence in the host (plugin_load: dlopen, entry symbol,
// the entry call — the only plugin code the registry runs —, ABI header, table, capabilities,
// schemas) → duplicates against what is already loaded. A batch probes its unknown files
// together. A rejected plugin contributes nothing but its PluginRecord, and a file that did not
// pass its probe is never opened by the host.
//
// Lifetime: every library the host opened stays loaded until the registry is destroyed (a
// plugin's static constructors may have left state behind). LoadedCapability holds raw
// function pointers into those libraries, so the registry must outlive every use of them; the
// runtime keeps it for the life of the process.
#include "plugin/plugin_registry.hpp"

#include "plugin/capability_names.hpp"
#include "plugin/elf_header.hpp"
#include "plugin/plugin_directory.hpp"
#include "plugin/plugin_load.hpp"
#include "plugin/plugin_permissions.hpp"
#include "plugin/probe_cache.hpp"
#include "plugin/probe_process.hpp"

#include <boost/dll/shared_library.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>
#include <utility>

namespace runtimo::plugin {

namespace fs = std::filesystem;

namespace {

// One file on its way through the checks.
struct Candidate {
  ListedFile listed;
  fs::path dir;
  PluginRecord record;
  FileIdentity identity;
  std::optional<ProbeVerdict> verdict;  // set once the cache or a probe judged the file
  bool refused = false;                 // refused before a probe (record.reason says why)
};

}  // namespace

struct PluginRegistry::Impl {
  // Declared first so that it is destroyed last: nothing below points into the libraries, but
  // the pipeline holds LoadedCapability pointers until the registry goes.
  std::vector<boost::dll::shared_library> libraries;
  std::vector<std::unique_ptr<LoadedCapability>> capabilities;  // stable addresses
  std::map<std::string, const LoadedCapability *> by_normalised_name;
  std::map<std::string, fs::path> plugin_paths;  // plugin name → file that provides it
  std::vector<PluginRecord> records;
  PermissionCheck permissions;  // judges each directory once per load

  // The plugin files of `dir` (absolute, normalised); a directory that cannot be read is
  // recorded as rejected.
  std::vector<ListedFile> files_of(const fs::path &dir);
  // Takes `batch` through the checks, probing its unknown files together, and records each.
  void load_batch(std::vector<Candidate> batch, const LoadOptions &options);
  // The checks before a probe: true when `c` still needs a verdict.
  bool vet(Candidate &c, const LoadOptions &options);
  // The load in the host of a file whose probe passed.
  void admit(Candidate &c, const LoadOptions &options);
  // Why `checked` cannot join what is loaded, or an empty string.
  std::string conflict(const CheckedPlugin &checked, const fs::path &file) const;
};

std::vector<ListedFile> PluginRegistry::Impl::files_of(const fs::path &dir) {
  std::error_code ec;
  fs::path absolute = fs::absolute(dir, ec);
  if (ec) absolute = dir;
  absolute = absolute.lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();  // drop a trailing '/'

  DirectoryListing listing = list_plugin_files(absolute);
  if (listing.problem) {
    PluginRecord record;
    record.path = absolute;
    record.reason = *listing.problem;
    records.push_back(std::move(record));
  }
  return std::move(listing.files);
}

std::string PluginRegistry::Impl::conflict(const CheckedPlugin &checked,
                                           const fs::path &file) const {
  if (const auto it = plugin_paths.find(checked.name); it != plugin_paths.end()) {
    return "plugin " + checked.name + " of " + file.string() + " is already loaded from " +
           it->second.string();
  }
  for (const LoadedCapability &capability : checked.capabilities) {
    const auto it = by_normalised_name.find(normalise_capability_name(capability.name));
    if (it != by_normalised_name.end()) {
      return "capability " + capability.name + " of " + file.string() +
             " is already provided by " + it->second->plugin_path.string() +
             (it->second->name != capability.name ? " (as " + it->second->name + ")" : "");
    }
  }
  return {};
}

bool PluginRegistry::Impl::vet(Candidate &c, const LoadOptions &options) {
  const fs::path &file = c.listed.path;
  c.record.path = file;
  const auto refuse = [&](std::string reason) {
    c.record.reason = std::move(reason);
    c.refused = true;
    return false;
  };
  if (c.listed.problem) return refuse(*c.listed.problem);
  if (options.check_permissions) {
    if (auto problem = permissions.problem(file, c.dir, c.identity)) return refuse(std::move(*problem));
  } else if (options.probe_cache != nullptr) {
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0) return refuse(file.string() + ": " + std::strerror(errno));
    c.identity = FileIdentity::of(st);
  }
  if (options.probe_cache != nullptr) {
    c.verdict = options.probe_cache->find(file, c.identity);
    c.record.probe_cached = c.verdict.has_value();
    if (c.verdict) return false;
  }
  if (auto problem = elf_file_problem(file)) return refuse(std::move(*problem));
  return true;
}

void PluginRegistry::Impl::admit(Candidate &c, const LoadOptions &options) {
  PluginRecord &record = c.record;
  const fs::path &file = c.listed.path;
  PluginLoad load;
  const bool valid = load_plugin(file, options.meta_verdicts, load);
  if (load.library.is_loaded()) libraries.push_back(std::move(load.library));
  record.abi_major = load.checked.abi.major;
  record.abi_minor = load.checked.abi.minor;
  record.name = load.checked.name;
  record.version = load.checked.version;
  if (!valid) {
    record.reason = std::move(load.reason);
    return;
  }
  if (std::string clash = conflict(load.checked, file); !clash.empty()) {
    record.reason = std::move(clash);
    return;
  }
  plugin_paths.emplace(load.checked.name, file);
  for (LoadedCapability &capability : load.checked.capabilities) {
    record.capabilities.push_back(capability.name);
    auto owned = std::make_unique<LoadedCapability>(std::move(capability));
    by_normalised_name.emplace(normalise_capability_name(owned->name), owned.get());
    capabilities.push_back(std::move(owned));
  }
  record.loaded = true;
}

void PluginRegistry::Impl::load_batch(std::vector<Candidate> batch, const LoadOptions &options) {
  std::vector<fs::path> unknown;
  std::vector<Candidate *> probed;
  for (Candidate &c : batch) {
    if (vet(c, options)) {
      unknown.push_back(c.listed.path);
      probed.push_back(&c);
    }
  }
  if (!unknown.empty()) {
    std::vector<ProbeVerdict> verdicts =
        probe_plugins(unknown, options.meta_verdicts, options.probe_timeout);
    for (std::size_t i = 0; i < probed.size(); ++i) {
      if (options.probe_cache != nullptr)
        options.probe_cache->remember(unknown[i], probed[i]->identity, verdicts[i]);
      probed[i]->verdict = std::move(verdicts[i]);
    }
  }
  for (Candidate &c : batch) {
    if (!c.refused) {
      const ProbeVerdict &verdict = *c.verdict;
      c.record.probe = std::string(to_string(verdict.outcome));
      if (verdict.outcome == ProbeOutcome::passed) {
        admit(c, options);
      } else {
        c.record.abi_major = verdict.abi.major;
        c.record.abi_minor = verdict.abi.minor;
        c.record.name = verdict.name;
        c.record.version = verdict.version;
        c.record.reason = verdict.reason;
      }
    }
    records.push_back(std::move(c.record));
  }
}

namespace {

// "file_read" for libcap_file_read.so, normalised like a capability name.
std::string capability_part(const fs::path &file) {
  const std::string name = file.filename().string();
  return normalise_capability_name(std::string_view(name).substr(7, name.size() - 7 - 3));
}

}  // namespace

std::unique_ptr<PluginRegistry> PluginRegistry::load(const LoadOptions &options) {
  auto impl = std::make_unique<Impl>();
  std::vector<Candidate> files;
  for (const fs::path &dir : options.dirs) {
    for (ListedFile &file : impl->files_of(dir)) {
      Candidate c;
      c.dir = file.path.parent_path();
      c.listed = std::move(file);
      files.push_back(std::move(c));
    }
  }
  if (!options.only_for.empty()) {
    const std::string wanted = normalise_capability_name(options.only_for);
    std::vector<Candidate> named, others;
    for (Candidate &c : files)
      (capability_part(c.listed.path) == wanted ? named : others).push_back(std::move(c));
    impl->load_batch(std::move(named), options);
    if (impl->by_normalised_name.contains(wanted))
      return std::unique_ptr<PluginRegistry>(new PluginRegistry(std::move(impl)));
    files = std::move(others);
  }
  impl->load_batch(std::move(files), options);
  return std::unique_ptr<PluginRegistry>(new PluginRegistry(std::move(impl)));
}

PluginRegistry::PluginRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PluginRegistry::~PluginRegistry() = default;

std::vector<const LoadedCapability *> PluginRegistry::capabilities() const {
  std::vector<const LoadedCapability *> out;
  out.reserve(impl_->capabilities.size());
  for (const auto &capability : impl_->capabilities) out.push_back(capability.get());
  std::sort(out.begin(), out.end(),
            [](const LoadedCapability *a, const LoadedCapability *b) { return a->name < b->name; });
  return out;
}

const LoadedCapability *PluginRegistry::find(std::string_view name) const {
  const auto it = impl_->by_normalised_name.find(normalise_capability_name(name));
  return it == impl_->by_normalised_name.end() ? nullptr : it->second;
}

std::vector<std::string> PluginRegistry::suggest(std::string_view name) const {
  std::vector<std::string> names;
  names.reserve(impl_->capabilities.size());
  for (const auto &capability : impl_->capabilities) names.push_back(capability->name);
  return closest_names(name, names);
}

const std::vector<PluginRecord> &PluginRegistry::records() const { return impl_->records; }

}  // namespace runtimo::plugin
