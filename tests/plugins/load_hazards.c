/*
 * Test plugin cases for probing: one source, each variant (LOAD_HAZARD) built into a directory
 * of its own, test-plugins/<case>/libcap_<case>.so, so a test can place exactly one hazard next
 * to good plugins. Each is a valid plugin (one capability, `Hazard<N>`) but for the one thing
 * it does while loading — which would take the host down, or make it wait forever, were the
 * file loaded in the host before its probe:
 *    1 ctor_segv     a static constructor dereferences NULL (SIGSEGV inside dlopen)
 *    2 ctor_exit     a static constructor calls exit(0)
 *    3 ctor_hang     a static constructor never returns (pause() for ever)
 *    4 entry_crash   runtimo_plugin_entry() dereferences NULL
 *    5 entry_exit    runtimo_plugin_entry() calls exit(3)
 *    6 table_crash   the table's capability array points at unmapped memory (the host's read
 *                    of the table faults)
 *    7 long_name     the capability's name is 10240 bytes long (a plain rejection, no crash)
 */
#include <runtimo/abi.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOAD_HAZARD
#error "define LOAD_HAZARD to 1..7"
#endif
#define V LOAD_HAZARD

static rt_status accept_all(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static volatile int *volatile kNowhere = NULL;

#if V == 1 || V == 2 || V == 3
__attribute__((constructor)) static void misbehave_at_load(void) {
#if V == 1
  *kNowhere = 1;
#elif V == 2
  exit(0);
#else
  for (;;) pause();
#endif
}
#endif

static char long_name[10241];

static const rt_capability kCapability = {
    .struct_size = sizeof(rt_capability),
    .name = V == 7 ? long_name : "Hazard",
    .description = "A capability that is never reached (test plugin)",
    .args_schema = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
    .flags = RT_CAP_READ_ONLY,
    .validate = accept_all,
    .execute = accept_all,
};

static const rt_capability *const kCapabilities[] = {&kCapability};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "load_hazard",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = V == 6 ? (const rt_capability *const *)(uintptr_t)16 : kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) {
  if (V == 4) *kNowhere = 1;
  if (V == 5) exit(3);
  if (V == 7) memset(long_name, 'A', sizeof long_name - 1);
  return &kPlugin;
}
