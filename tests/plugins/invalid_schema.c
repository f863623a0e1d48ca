/*
 * Test plugin case `invalid_schema`: one source, five builds into test-plugins/invalid_schema/,
 * selected by SCHEMA_VARIANT. Each plugin is well-formed except for its capability's
 * args_schema, which the loader must refuse at load time, naming the capability:
 *   1 libcap_schema_not_json.so      — the text is not JSON (truncated object)
 *   2 libcap_schema_wrong_dialect.so — "$schema" is 2020-12, not draft-07
 *   3 libcap_schema_ref.so           — uses "$ref"/"definitions", outside the allow-list
 *   4 libcap_schema_meta.so          — allowed keywords, but "minimum":"zero" breaks the
 *                                      draft-07 meta-schema
 *   5 libcap_schema_bad_pattern.so   — "pattern" is not a valid regular expression
 */
#include <runtimo/abi.h>

#define DRAFT7 "\"$schema\":\"http://json-schema.org/draft-07/schema#\""

#if SCHEMA_VARIANT == 1
#define PLUGIN_NAME "schema_not_json"
#define SCHEMA "{" DRAFT7 ",\"type\":\"object\",\"properties\":{"
#elif SCHEMA_VARIANT == 2
#define PLUGIN_NAME "schema_wrong_dialect"
#define SCHEMA "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\"}"
#elif SCHEMA_VARIANT == 3
#define PLUGIN_NAME "schema_ref"
#define SCHEMA                                                                   \
  "{" DRAFT7 ",\"type\":\"object\",\"definitions\":{\"pid\":{\"type\":\"integer\"}}," \
  "\"properties\":{\"pid\":{\"$ref\":\"#/definitions/pid\"}}}"
#elif SCHEMA_VARIANT == 4
#define PLUGIN_NAME "schema_meta"
#define SCHEMA \
  "{" DRAFT7 ",\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":\"zero\"}}}"
#elif SCHEMA_VARIANT == 5
#define PLUGIN_NAME "schema_bad_pattern"
#define SCHEMA \
  "{" DRAFT7 ",\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"pattern\":\"[unclosed\"}}}"
#else
#error "define SCHEMA_VARIANT to 1..5"
#endif

static rt_status accept_all(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static const rt_capability kCapability = {
    .struct_size = sizeof(rt_capability),
    .name = "BadSchema",
    .description = "A capability whose argument schema is unacceptable (test plugin)",
    .args_schema = SCHEMA,
    .flags = RT_CAP_READ_ONLY,
    .validate = accept_all,
    .execute = accept_all,
};

static const rt_capability *const kCapabilities[] = {&kCapability};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = PLUGIN_NAME,
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
