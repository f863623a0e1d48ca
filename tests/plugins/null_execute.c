/*
 * Test plugin case `null_execute` → test-plugins/null_execute/libcap_null_execute.so
 *
 * Plugin "null_execute" offers capability `Hollow` whose execute pointer is NULL. The loader
 * must reject the whole plugin with "capability Hollow of plugin null_execute: execute is
 * NULL" instead of crashing at the first job.
 */
#include <runtimo/abi.h>

#include <stddef.h>

static rt_status hollow_validate(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static const rt_capability kHollow = {
    .struct_size = sizeof(rt_capability),
    .name = "Hollow",
    .description = "A capability with nothing to execute (test plugin)",
    .args_schema = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
    .flags = RT_CAP_READ_ONLY,
    .validate = hollow_validate,
    .execute = NULL,
};

static const rt_capability *const kCapabilities[] = {&kHollow};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "null_execute",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
