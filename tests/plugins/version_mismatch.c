/*
 * Test plugin cases `wrong_major` and `newer_minor` (one source, two builds):
 *   test-plugins/wrong_major/libcap_wrong_major.so  — abi_major RT_ABI_MAJOR + 1 (i.e. 2.0)
 *   test-plugins/newer_minor/libcap_newer_minor.so  — abi_minor RT_ABI_MINOR + 1 (i.e. 1.1)
 * The compile definitions TEST_MAJOR_OFFSET / TEST_MINOR_OFFSET select the case.
 *
 * Everything after the version header is deliberately poisoned (a NULL name, a capability
 * count of 999, a NULL array): the host must refuse on the version alone, naming the plugin,
 * its path and both versions, before it reads or calls anything else.
 */
#include <runtimo/abi.h>

#include <stddef.h>

#ifndef TEST_MAJOR_OFFSET
#define TEST_MAJOR_OFFSET 0
#endif
#ifndef TEST_MINOR_OFFSET
#define TEST_MINOR_OFFSET 0
#endif

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR + TEST_MAJOR_OFFSET,
    .abi_minor = RT_ABI_MINOR + TEST_MINOR_OFFSET,
    .name = NULL,
    .version = NULL,
    .capability_count = 999,
    .capabilities = NULL,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
