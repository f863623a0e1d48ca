// config/install_dirs.hpp — which directory of bundled plugins belongs to the running binary.
//
// Owns the one rule that tells an installed binary from one of the build tree, so that each
// loads the plugins that were built with it and never the other's as well:
//   1. <the executable's directory>/RUNTIMO_PLUGINDIR_FROM_BINDIR ("../lib/runtimo/plugins")
//      exists: an installed binary (`cmake --install`, the .deb, any copy of an installed
//      tree, wherever its prefix) — that directory;
//   2. otherwise, an executable inside the build tree it was built in (build/bin/runtimo, the
//      tests) — the build's plugin directory, RUNTIMO_BUILD_PLUGIN_DIR;
//   3. otherwise (a program embedding the runtime elsewhere, an installed tree whose plugins
//      were removed) — none: only plugin_dirs, RUNTIMO_PLUGIN_PATH and --plugin-dir apply.
// The executable is /proc/self/exe, symlinks resolved, so /usr/local/bin/runtimo linked to
// /opt/runtimo/bin/runtimo loads /opt/runtimo/lib/runtimo/plugins.
#pragma once

#include <filesystem>
#include <optional>

namespace runtimo::config {

// The rule above for the running process.
std::optional<std::filesystem::path> bundled_plugin_dir();

// Where the plugins lie from the installed binary's directory ("../lib/runtimo/plugins").
std::filesystem::path plugin_dir_from_bin_dir();

// The rule above for an executable at `exe` (absolute, symlinks resolved), built in
// `build_dir` with its plugins in `build_plugin_dir` (for tests).
std::optional<std::filesystem::path> bundled_plugin_dir_for(
    const std::filesystem::path &exe, const std::filesystem::path &build_dir,
    const std::filesystem::path &build_plugin_dir);

}  // namespace runtimo::config
