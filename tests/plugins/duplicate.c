/*
 * Test plugin case `duplicate` → test-plugins/duplicate/libcap_dup_echo.so
 *
 * Plugin "dup_echo" offers a capability named `echo` (lower case). On its own it is valid and
 * loads; loaded after test-plugins/good_c it collides with good_c's `Echo` (names compare
 * ignoring case, '_' and '-'), so the loader must reject this whole plugin and keep good_c's.
 */
#include <runtimo/abi.h>

static rt_status accept_all(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static const rt_capability kEcho = {
    .struct_size = sizeof(rt_capability),
    .name = "echo",
    .description = "A second echo that must lose to good_c's Echo (test plugin)",
    .args_schema = "{\"$schema\":\"http://json-schema.org/draft-07/schema\",\"type\":\"object\"}",
    .flags = RT_CAP_READ_ONLY,
    .validate = accept_all,
    .execute = accept_all,
};

static const rt_capability *const kCapabilities[] = {&kEcho};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "dup_echo",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
