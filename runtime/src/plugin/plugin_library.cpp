// plugin/plugin_library.cpp — Boost.DLL loading and the entry symbol (see the header).
#include "plugin/plugin_library.hpp"

#include <dlfcn.h>

#include <exception>
#include <string>
#include <system_error>

namespace runtimo::plugin {

bool open_plugin_library(const std::filesystem::path &path, OpenedLibrary &out,
                         std::string &reason) noexcept {
  try {
    std::error_code ec;
    ::dlerror();  // clear any stale message so the one read below is about this file
    out.library.load(path, ec,
                     boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    if (ec || !out.library.is_loaded()) {
      // Boost.DLL reports a generic errc; the loader's own text is still in dlerror().
      const char *error = ::dlerror();
      std::string detail = error != nullptr ? error : ec.message();
      if (detail.starts_with(path.string() + ": ")) detail.erase(0, path.string().size() + 2);
      reason = path.string() + ": cannot load it: " + detail;
      return false;
    }
    if (!out.library.has(RT_PLUGIN_ENTRY_SYMBOL)) {
      reason = path.string() + ": no " RT_PLUGIN_ENTRY_SYMBOL
                               " symbol: not a Runtimo plugin (build it with RUNTIMO_PLUGIN from "
                               "runtimo/sdk.hpp, or export `const rt_plugin "
                               "*" RT_PLUGIN_ENTRY_SYMBOL "(void)` with RT_EXPORT from "
                               "runtimo/abi.h)";
      return false;
    }
    out.entry = &out.library.get<const rt_plugin *()>(RT_PLUGIN_ENTRY_SYMBOL);
    return true;
  } catch (const std::exception &e) {
    reason = path.string() + ": cannot load it: " + e.what();
    return false;
  } catch (...) {
    reason = path.string() + ": cannot load it: unknown error";
    return false;
  }
}

}  // namespace runtimo::plugin
