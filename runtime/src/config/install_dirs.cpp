// config/install_dirs.cpp — the bundled plugin directory of the running binary (see the header).
#include "config/install_dirs.hpp"

#include <system_error>

namespace runtimo::config {
namespace fs = std::filesystem;

namespace {

// True when `path` is `dir` or lies below it (both absolute; compared component by component).
bool is_within(const fs::path &path, const fs::path &dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

fs::path plugin_dir_from_bin_dir() {
  return RUNTIMO_PLUGINDIR_FROM_BINDIR;
}

std::optional<fs::path> bundled_plugin_dir_for(const fs::path &exe, const fs::path &build_dir,
                                               const fs::path &build_plugin_dir) {
  std::error_code ec;
  const fs::path installed = (exe.parent_path() / plugin_dir_from_bin_dir()).lexically_normal();
  if (fs::is_directory(installed, ec)) return installed;
  // The build directory as CMake named it may go through a symlink; the executable's path
  // never does.
  const fs::path build = fs::weakly_canonical(build_dir, ec);
  if (!ec && is_within(exe, build)) return build_plugin_dir;
  return std::nullopt;
}

std::optional<fs::path> bundled_plugin_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || !exe.is_absolute()) return std::nullopt;
  return bundled_plugin_dir_for(exe, RUNTIMO_BUILD_DIR, RUNTIMO_BUILD_PLUGIN_DIR);
}

}  // namespace runtimo::config
