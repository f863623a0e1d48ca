// plugin/plugin_registry.cpp — PluginRegistry: runs every candidate file through the checks in
// order, keeps what passed, records why the rest did not, and owns every library it opened.
//
// For one file: permissions → load (RTLD_NOW | RTLD_LOCAL) → entry symbol → call the entry
// (the only plugin code the registry ever runs) → ABI header → table and capabilities →
// schemas → duplicates against what is already loaded. A rejected plugin contributes nothing
// but its PluginRecord.
//
// Lifetime: every library that was opened, accepted or not, stays loaded until the registry is
// destroyed (a rejected plugin's static constructors already ran and may have left state
// behind). LoadedCapability holds raw function pointers into those libraries, so the registry
// must outlive every use of them; the runtime keeps it for the life of the process.
#include "plugin/plugin_registry.hpp"

#include "plugin/capability_names.hpp"
#include "plugin/plugin_directory.hpp"
#include "plugin/plugin_library.hpp"
#include "plugin/plugin_permissions.hpp"
#include "plugin/plugin_table.hpp"

#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <map>
#include <system_error>
#include <utility>

namespace runtimo::plugin {

namespace fs = std::filesystem;

struct PluginRegistry::Impl {
  // Declared first so that it is destroyed last: nothing below points into the libraries, but
  // the pipeline holds LoadedCapability pointers until the registry goes.
  std::vector<boost::dll::shared_library> libraries;
  std::vector<std::unique_ptr<LoadedCapability>> capabilities;  // stable addresses
  std::map<std::string, const LoadedCapability *> by_normalised_name;
  std::map<std::string, fs::path> plugin_paths;  // plugin name → file that provides it
  std::vector<PluginRecord> records;

  // The plugin files of `dir` (absolute, normalised); a directory that cannot be read is
  // recorded as rejected.
  std::vector<fs::path> files_of(const fs::path &dir);
  void load_file(const fs::path &file, const fs::path &dir, const LoadOptions &options);
  // Why `checked` cannot join what is loaded, or an empty string.
  std::string conflict(const CheckedPlugin &checked, const fs::path &file) const;
};

std::vector<fs::path> PluginRegistry::Impl::files_of(const fs::path &dir) {
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

void PluginRegistry::Impl::load_file(const fs::path &file, const fs::path &dir,
                                     const LoadOptions &options) {
  PluginRecord record;
  record.path = file;
  const auto reject = [&](std::string reason) {
    record.loaded = false;
    record.reason = std::move(reason);
    records.push_back(std::move(record));
  };

  if (options.check_permissions) {
    if (auto problem = permission_problem(file, dir)) return reject(std::move(*problem));
  }

  OpenedLibrary opened;
  std::string reason;
  const bool usable = open_plugin_library(file, opened, reason);
  if (opened.library.is_loaded()) libraries.push_back(std::move(opened.library));
  if (!usable) return reject(std::move(reason));

  const rt_plugin *table = nullptr;
  try {
    table = opened.entry();
  } catch (...) {
    // A C++ plugin whose entry throws breaks the ABI; the library stays loaded, so catching
    // its exception here is safe.
    return reject(file.string() + ": " RT_PLUGIN_ENTRY_SYMBOL "() threw an exception");
  }

  CheckedPlugin checked;
  const bool valid = check_plugin_table(table, file, options.meta_verdicts, checked, reason);
  record.abi_major = checked.abi.major;
  record.abi_minor = checked.abi.minor;
  record.name = checked.name;
  record.version = checked.version;
  if (!valid) return reject(std::move(reason));
  if (std::string clash = conflict(checked, file); !clash.empty()) return reject(std::move(clash));

  plugin_paths.emplace(checked.name, file);
  for (LoadedCapability &capability : checked.capabilities) {
    record.capabilities.push_back(capability.name);
    auto owned = std::make_unique<LoadedCapability>(std::move(capability));
    by_normalised_name.emplace(normalise_capability_name(owned->name), owned.get());
    capabilities.push_back(std::move(owned));
  }
  record.loaded = true;
  records.push_back(std::move(record));
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
  std::vector<std::pair<fs::path, fs::path>> files;  // {file, its directory}
  for (const fs::path &dir : options.dirs)
    for (fs::path &file : impl->files_of(dir)) files.emplace_back(std::move(file), file.parent_path());
  if (!options.only_for.empty()) {
    const std::string wanted = normalise_capability_name(options.only_for);
    std::vector<std::pair<fs::path, fs::path>> others;
    for (auto &entry : files) {
      if (capability_part(entry.first) == wanted) impl->load_file(entry.first, entry.second, options);
      else others.push_back(std::move(entry));
    }
    if (impl->by_normalised_name.contains(wanted)) return std::unique_ptr<PluginRegistry>(new PluginRegistry(std::move(impl)));
    files = std::move(others);
  }
  for (const auto &[file, dir] : files) impl->load_file(file, dir, options);
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
