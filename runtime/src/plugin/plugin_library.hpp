// plugin/plugin_library.hpp — opening one plugin file with Boost.DLL and finding its entry.
//
// Owns: dlopen with RTLD_NOW | RTLD_LOCAL (every undefined symbol is resolved now, so a broken
// plugin fails here and not at its first call; nothing it exports can shadow another plugin's
// symbols), error_code overloads only, the dlerror() text on failure, and the lookup of
// RT_PLUGIN_ENTRY_SYMBOL. The returned shared_library must outlive every pointer obtained
// from the plugin; the registry keeps it for its whole life.
#pragma once

#include <runtimo/abi.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <string>

namespace runtimo::plugin {

struct OpenedLibrary {
  boost::dll::shared_library library;  // loaded whenever `library.is_loaded()`
  rt_plugin_entry_fn entry = nullptr;  // set only when open_plugin_library returns true
};

// Loads `path` into `out.library` and resolves the entry function. Returns false with `reason`
// (naming the file) when the file cannot be loaded or is not a Runtimo plugin; in the second
// case the library is loaded and stays in `out.library`. Never throws.
bool open_plugin_library(const std::filesystem::path &path, OpenedLibrary &out,
                         std::string &reason) noexcept;

}  // namespace runtimo::plugin
