/*
 * Test plugin case `good_c` → test-plugins/good_c/libcap_good_c.so
 *
 * A well-formed plugin written in plain C99 against runtimo/abi.h alone, proving a C plugin
 * needs nothing from the C++ SDK. Plugin "good_c" offers one capability, `Echo`, whose
 * validate() accepts everything the schema allows and whose execute() returns its arguments
 * unchanged through set_output(). The `duplicate` case collides with it on purpose.
 */
#include <runtimo/abi.h>

static const char kEchoSchema[] =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
    "\"properties\":{\"text\":{\"type\":\"string\",\"description\":\"anything to echo\"}}}";

static rt_status echo_validate(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static rt_status echo_execute(const rt_host_api *host, rt_job *job, rt_str args_json) {
  static const char kMessage[] = "echoed the arguments";
  rt_str message;
  message.ptr = kMessage;
  message.len = sizeof kMessage - 1;
  return host->set_output(job, args_json, message);
}

static const rt_capability kEcho = {
    .struct_size = sizeof(rt_capability),
    .name = "Echo",
    .description = "Return the arguments unchanged (test plugin)",
    .args_schema = kEchoSchema,
    .flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT,
    .validate = echo_validate,
    .execute = echo_execute,
};

static const rt_capability *const kCapabilities[] = {&kEcho};

/* Built a second time as case `abi_1_0`, against the frozen ABI 1.0 header: a plugin of an
 * older minor still loads on a newer host. */
static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "good_c",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
