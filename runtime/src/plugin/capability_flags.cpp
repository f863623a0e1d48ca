// plugin/capability_flags.cpp — see the header.
#include "plugin/capability_flags.hpp"

#include <runtimo/abi.h>

#include <utility>

namespace runtimo::plugin {

std::vector<std::string> capability_flag_names(std::uint32_t flags) {
  static constexpr std::pair<std::uint32_t, const char *> names[] = {
      {RT_CAP_READ_ONLY, "read_only"},   {RT_CAP_DESTRUCTIVE, "destructive"},
      {RT_CAP_IDEMPOTENT, "idempotent"}, {RT_CAP_MUTATES_FILES, "mutates_files"},
      {RT_CAP_SPAWNS, "spawns"},         {RT_CAP_RESCUE, "rescue"},
      {RT_CAP_SERIAL, "serial"},         {RT_CAP_HOST_WRITES, "host_writes"}};
  std::vector<std::string> out;
  for (const auto &[bit, name] : names)
    if ((flags & bit) != 0) out.emplace_back(name);
  return out;
}

}  // namespace runtimo::plugin
