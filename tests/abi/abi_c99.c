/*
 * abi_c99.c — runtimo/abi.h is strict C99: this file, compiled with -std=c99 -pedantic
 * -Wall -Wextra -Werror (tests/abi/CMakeLists.txt), fails the build if the header stops being
 * plain C99. It uses what a C plugin uses: the types, the flags, RT_HAS_FIELD, RT_EXPORT.
 */
#include <runtimo/abi.h>

/* C99 has no _Static_assert: a negative array size fails the compile instead. */
#define ABI_CHECK(name, condition) typedef char abi_check_##name[(condition) ? 1 : -1]

ABI_CHECK(major_is_1, RT_ABI_MAJOR == 1);
ABI_CHECK(header_fields_lead, offsetof(rt_plugin, struct_size) == 0 &&
                                  offsetof(rt_plugin, abi_major) == 4 &&
                                  offsetof(rt_plugin, abi_minor) == 6);
ABI_CHECK(known_flags, (RT_CAP_KNOWN_FLAGS & RT_CAP_SERIAL) != 0);

RT_EXPORT int abi_c99_host_has_processes(const rt_host_api *host);
RT_EXPORT int abi_c99_host_has_processes(const rt_host_api *host) {
  return RT_HAS_FIELD(host, rt_host_api, processes) && host->processes != NULL;
}
