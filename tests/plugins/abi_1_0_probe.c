/*
 * Test plugin case `abi_1_0_probe` → test-plugins/abi_1_0_probe/libcap_abi_probe.so
 *
 * Built against the frozen ABI 1.0 header (tests/plugins/abi-1.0/runtimo/abi.h) and nothing
 * else, it declares ABI 1.0 and calls every host function ABI 1.0 defined, through the 1.0
 * layout of rt_host_api: a host that moved, dropped or changed one of them breaks this plugin,
 * which tests/integration/abi_1_0_test.cpp runs.
 *
 * Capability `AbiProbe` takes no arguments. validate() checks the host's table (major 1, at
 * least the 1.0 size), the context getters, the process services and the path policy on
 * "probe.txt" (relative, so resolved against the job's working directory). execute() opens
 * that file through open_path, journals a note, and reports what it saw with set_output — or,
 * for an empty file, fails through set_error with a message and a hint.
 */
#define _POSIX_C_SOURCE 200809L
#include <runtimo/abi.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char kSchema[] =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
    "\"additionalProperties\":false}";

/* A pid no process can have (above PID_MAX_LIMIT, 2^22): not protected, since it does not exist. */
#define PROBE_ABSENT_PID 4194305

static rt_str str(const char *text) {
  rt_str s;
  s.ptr = text;
  s.len = strlen(text);
  return s;
}

static rt_status fail(const rt_host_api *host, rt_job *job, rt_status status, const char *message,
                      const char *hint) {
  host->set_error(job, status, str(message), str(hint));
  return status;
}

/* True when `s` can go into JSON between quotes as it is. */
static int plain(rt_str s) {
  size_t i;
  for (i = 0; i < s.len; ++i)
    if (s.ptr[i] == '"' || s.ptr[i] == '\\' || (unsigned char)s.ptr[i] < 0x20) return 0;
  return 1;
}

static rt_status probe_validate(const rt_host_api *host, rt_job *job, rt_str args_json) {
  rt_process_identity self;
  rt_str working_dir;
  (void)args_json;
  if (host->abi_major != RT_ABI_MAJOR || host->struct_size < sizeof(rt_host_api))
    return fail(host, job, RT_INTERNAL, "the host's table is not an ABI 1.x table", "");
  if (host->job_id(job).len != 32)
    return fail(host, job, RT_INTERNAL, "job_id is not 32 digits", "");
  (void)host->session_id(job);
  working_dir = host->working_dir(job);
  if (working_dir.len == 0 || working_dir.ptr[0] != '/')
    return fail(host, job, RT_INTERNAL, "working_dir is not absolute", "");
  if (host->remaining_ms(job) <= 0 || host->cancelled(job) != 0)
    return fail(host, job, RT_INTERNAL, "a fresh job reads as late or cancelled", "");

  memset(&self, 0, sizeof self);
  self.struct_size = sizeof self;
  if (host->process_identity(job, (int64_t)getpid(), &self) != RT_OK || self.exists != 1 ||
      self.pid != (int64_t)getpid())
    return fail(host, job, RT_INTERNAL, "process_identity does not know the host", "");
  if (host->check_process(job, PROBE_ABSENT_PID) != RT_OK)
    return fail(host, job, RT_INTERNAL, "check_process refused a pid that cannot exist", "");

  host->log(job, RT_LOG_DEBUG, str("abi 1.0 probe: validated"));
  /* A refusal is recorded by the host; its status is the plugin's answer. */
  return host->check_path(job, str("probe.txt"), RT_ACCESS_READ, NULL);
}

static rt_status probe_execute(const rt_host_api *host, rt_job *job, rt_str args_json) {
  char content[64], data[512], note[64];
  rt_str resolved;
  int32_t fd = -1;
  ssize_t n;
  rt_status st;
  (void)args_json;

  st = host->open_path(job, str("probe.txt"), RT_ACCESS_READ, O_RDONLY, &fd, &resolved);
  if (st != RT_OK) return st;
  n = read(fd, content, sizeof content - 1);
  close(fd);
  if (n < 0) return fail(host, job, RT_FAILED, "cannot read probe.txt", "");
  if (n == 0)
    return fail(host, job, RT_FAILED, "probe.txt is empty", "write a word into probe.txt");
  content[n] = '\0';
  if (!plain(str(content)) || !plain(resolved))
    return fail(host, job, RT_INTERNAL, "probe.txt or its path needs JSON escapes", "");

  snprintf(note, sizeof note, "{\"bytes\":%d}", (int)n);
  st = host->wal_event(job, str("abi_probe.read"), str(note));
  if (st != RT_OK) return st;

  snprintf(data, sizeof data,
           "{\"content\":\"%s\",\"resolved\":\"%.*s\",\"dry_run\":%d,\"host_abi_major\":%u,"
           "\"host_abi_minor\":%u,\"host_table_bytes\":%u,\"plugin_table_bytes\":%u}",
           content, (int)resolved.len, resolved.ptr, (int)host->dry_run(job),
           (unsigned)host->abi_major, (unsigned)host->abi_minor, (unsigned)host->struct_size,
           (unsigned)sizeof(rt_host_api));
  return host->set_output(job, str(data), str("probed the ABI 1.0 host table"));
}

static const rt_capability kProbe = {
    .struct_size = sizeof(rt_capability),
    .name = "AbiProbe",
    .description = "Call every ABI 1.0 host function (test plugin built against ABI 1.0)",
    .args_schema = kSchema,
    .flags = RT_CAP_READ_ONLY,
    .validate = probe_validate,
    .execute = probe_execute,
};

static const rt_capability *const kCapabilities[] = {&kProbe};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "abi_probe",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) {
  return &kPlugin;
}
