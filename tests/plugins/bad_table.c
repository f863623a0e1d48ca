/*
 * Test plugin case `bad_table`: one source, many builds into test-plugins/bad_table/, selected
 * by BAD_TABLE_VARIANT. Each breaks exactly one rule of the plugin or capability table (the
 * version header is always right), and the loader must reject it with a reason naming the
 * file, without crashing and without calling anything but the entry function:
 *    1 libcap_null_table.so         the entry returns NULL
 *    2 libcap_tiny_struct.so        rt_plugin.struct_size 4, smaller than the version header
 *    3 libcap_oversized_struct.so   rt_plugin.struct_size larger than ABI 1.0 defines
 *    4 libcap_bad_plugin_name.so    plugin name "Bad-Name" (must be [a-z0-9_]+)
 *    5 libcap_empty_version.so      version ""
 *    6 libcap_no_capabilities.so    capability_count 0
 *    7 libcap_null_capability_array.so  capability_count 1, capabilities NULL
 *    8 libcap_null_capability.so    capabilities[0] is NULL
 *    9 libcap_small_capability.so   rt_capability.struct_size too small to hold execute
 *   10 libcap_bad_capability_name.so  capability name "9lives"
 *   11 libcap_empty_description.so  capability description ""
 *   12 libcap_null_validate.so      validate is NULL
 *   13 libcap_unknown_flags.so      flags has bit 20 set, unknown to ABI 1.0
 *   14 libcap_twin_capabilities.so  two capabilities, EchoTwin and echo_twin, same normalised name
 */
#include <runtimo/abi.h>

#include <stddef.h>

#ifndef BAD_TABLE_VARIANT
#error "define BAD_TABLE_VARIANT to 1..14"
#endif
#define V BAD_TABLE_VARIANT

static rt_status accept_all(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

#define SCHEMA "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}"

static const rt_capability kCapability = {
    .struct_size = V == 9 ? (uint32_t)offsetof(rt_capability, execute) : sizeof(rt_capability),
    .name = V == 10 ? "9lives" : (V == 14 ? "EchoTwin" : "Probe"),
    .description = V == 11 ? "" : "A capability of a broken plugin table (test plugin)",
    .args_schema = SCHEMA,
    .flags = V == 13 ? (RT_CAP_READ_ONLY | (1u << 20)) : RT_CAP_READ_ONLY,
    .validate = V == 12 ? NULL : accept_all,
    .execute = accept_all,
};

static const rt_capability kTwin = {
    .struct_size = sizeof(rt_capability),
    .name = "echo_twin",
    .description = "The twin of EchoTwin (test plugin)",
    .args_schema = SCHEMA,
    .flags = RT_CAP_READ_ONLY,
    .validate = accept_all,
    .execute = accept_all,
};

static const rt_capability *const kCapabilities[] = {V == 8 ? NULL : &kCapability, &kTwin};

/* Room after the table, so an oversized struct_size never points outside this object. */
static const struct {
  rt_plugin table;
  char padding[64];
} kPlugin = {
    .table =
        {
            .struct_size = V == 2   ? 4u
                           : V == 3 ? (uint32_t)sizeof(rt_plugin) + 16u
                                    : (uint32_t)sizeof(rt_plugin),
            .abi_major = RT_ABI_MAJOR,
            .abi_minor = RT_ABI_MINOR,
            .name = V == 4 ? "Bad-Name" : "bad_table",
            .version = V == 5 ? "" : "1.0.0",
            .capability_count = V == 6 ? 0u : (V == 14 ? 2u : 1u),
            .capabilities = V == 7 ? NULL : kCapabilities,
        },
    .padding = {0},
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return V == 1 ? NULL : &kPlugin.table; }
