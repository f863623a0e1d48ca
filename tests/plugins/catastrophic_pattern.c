/*
 * Test plugin case `catastrophic_pattern`
 *   → test-plugins/catastrophic_pattern/libcap_catastrophic_pattern.so
 *
 * A valid plain-C plugin whose capability `Letters` takes {"word": string} with the pattern
 * "^(a+)+$", which a backtracking matcher (std::regex) takes exponential time to reject: 35
 * bytes of "aaa…!" never finish there. The host matches patterns with RE2, so the plugin
 * loads and a hostile argument is refused by the schema at once. validate() accepts
 * everything; execute() returns the arguments unchanged.
 */
#include <runtimo/abi.h>

static const char kLettersSchema[] =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
    "\"properties\":{\"word\":{\"type\":\"string\",\"pattern\":\"^(a+)+$\"}},"
    "\"required\":[\"word\"],\"additionalProperties\":false}";

static rt_status letters_validate(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static rt_status letters_execute(const rt_host_api *host, rt_job *job, rt_str args_json) {
  static const char kMessage[] = "the word is all a's";
  rt_str message;
  message.ptr = kMessage;
  message.len = sizeof kMessage - 1;
  return host->set_output(job, args_json, message);
}

static const rt_capability kLetters = {
    .struct_size = sizeof(rt_capability),
    .name = "Letters",
    .description = "Accept a word made of the letter a (test plugin: a catastrophic pattern)",
    .args_schema = kLettersSchema,
    .flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT,
    .validate = letters_validate,
    .execute = letters_execute,
};

static const rt_capability *const kCapabilities[] = {&kLetters};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "catastrophic_pattern",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
