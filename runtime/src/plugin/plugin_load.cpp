// plugin/plugin_load.cpp — the load sequence (see the header).
#include "plugin/plugin_load.hpp"

#include "plugin/plugin_library.hpp"

namespace runtimo::plugin {

bool load_plugin(const std::filesystem::path &file, schema::MetaVerdicts *verdicts, PluginLoad &out,
                 const std::function<void(LoadStage)> &at_stage) {
  const auto stage = [&](LoadStage s) {
    if (at_stage) at_stage(s);
  };
  stage(LoadStage::dlopen);
  OpenedLibrary opened;
  const bool usable = open_plugin_library(file, opened, out.reason);
  out.library = std::move(opened.library);
  if (!usable) return false;

  stage(LoadStage::entry);
  const rt_plugin *table = nullptr;
  try {
    table = opened.entry();
  } catch (...) {
    // A C++ plugin whose entry throws breaks the ABI; the library stays loaded, so catching
    // its exception here is safe.
    out.reason = file.string() + ": " RT_PLUGIN_ENTRY_SYMBOL "() threw an exception";
    return false;
  }

  stage(LoadStage::table);
  return check_plugin_table(table, file, verdicts, out.checked, out.reason);
}

}  // namespace runtimo::plugin
