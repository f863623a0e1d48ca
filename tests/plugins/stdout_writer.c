/*
 * Test plugin case `stdout_writer` → test-plugins/stdout_writer/libcap_stdout_writer.so
 *
 * Plugin "stdout_writer" offers `StdoutWriter`, whose execute() breaks the ABI's "never write
 * to stdout" rule: it printf()s a line that is not JSON to fd 1 and flushes it, then sets a
 * normal output. It loads fine; it exists for the host's protocol tests (MCP over stdio must
 * keep its stream clean because the host points fd 1 at stderr before loading plugins).
 */
#include <runtimo/abi.h>

#include <stdio.h>

static rt_status writer_validate(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json;
  return RT_OK;
}

static rt_status writer_execute(const rt_host_api *host, rt_job *job, rt_str args_json) {
  static const char kData[] = "{\"wrote\":\"garbage to stdout\"}";
  static const char kMessage[] = "wrote a line of garbage to stdout";
  rt_str data;
  rt_str message;
  (void)args_json;
  printf("GARBAGE FROM stdout_writer: this is not JSON-RPC }{\n");
  fflush(stdout);
  data.ptr = kData;
  data.len = sizeof kData - 1;
  message.ptr = kMessage;
  message.len = sizeof kMessage - 1;
  return host->set_output(job, data, message);
}

static const rt_capability kWriter = {
    .struct_size = sizeof(rt_capability),
    .name = "StdoutWriter",
    .description = "Print garbage to stdout, then succeed (test plugin)",
    .args_schema = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
    .flags = RT_CAP_READ_ONLY,
    .validate = writer_validate,
    .execute = writer_execute,
};

static const rt_capability *const kCapabilities[] = {&kWriter};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "stdout_writer",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
