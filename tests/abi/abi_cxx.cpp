// abi_cxx.cpp — runtimo/abi.h compiles as C++ too: this file, compiled with -std=c++20
// -pedantic -Wall -Wextra -Werror (tests/abi/CMakeLists.txt), fails the build if the header
// stops being valid C++ (or warns). The checks mirror abi_c99.c with C++'s static_assert.
#include <runtimo/abi.h>

#include <type_traits>

static_assert(RT_ABI_MAJOR == 1);
static_assert(offsetof(rt_plugin, struct_size) == 0 && offsetof(rt_plugin, abi_major) == 4 &&
              offsetof(rt_plugin, abi_minor) == 6);
static_assert(std::is_standard_layout_v<rt_host_api> && std::is_trivial_v<rt_host_api>);
static_assert(std::is_standard_layout_v<rt_capability> && std::is_trivial_v<rt_capability>);

extern "C" RT_EXPORT int abi_cxx_host_has_processes(const rt_host_api *host) {
  return RT_HAS_FIELD(host, rt_host_api, processes) && host->processes != nullptr;
}
