/* Test plugin case `c_args` → test-plugins/c_args/libcap_c_args.so
 *
 * A plain-C99 plugin, "c_args", offering `ArgProbe`: it reads its arguments through the host's
 * ABI 1.2 services arg() and arg_int() only — no JSON parser of its own — and reports what it
 * got: the kind and byte length of "/name", the integer "/times" (or the status arg_int
 * returned), and what arg() says of "/missing" and of the pointer given in "/pointer".
 * It proves that a C plugin can read its arguments, in the host and in a worker alike. */
#include <runtimo/abi.h>

#include <stdio.h>
#include <string.h>

static rt_str lit(const char *s) {
  rt_str r = {s, strlen(s)};
  return r;
}

static rt_status validate(const rt_host_api *host, rt_job *job, rt_str args) {
  (void)args;
  if (!RT_HAS_FIELD(host, rt_host_api, arg_int)) {
    host->set_error(job, RT_INTERNAL, lit("the host is older than ABI 1.2"), lit(""));
    return RT_INTERNAL;
  }
  return RT_OK;
}

static rt_status execute(const rt_host_api *host, rt_job *job, rt_str args) {
  (void)args;
  rt_json_kind name_kind = RT_JSON_ABSENT, missing_kind = -1, pointer_kind = RT_JSON_ABSENT;
  rt_str name = {NULL, 0}, pointer = {NULL, 0};
  rt_status name_st = host->arg(job, lit("/name"), &name_kind, &name);
  int64_t times = -1;
  rt_status times_st = host->arg_int(job, lit("/times"), &times);
  rt_status missing_st = host->arg(job, lit("/missing"), &missing_kind, NULL);
  rt_status pointer_st = RT_NOT_FOUND;
  if (host->arg(job, lit("/pointer"), &pointer_kind, &pointer) == RT_OK && pointer_kind == RT_JSON_STRING) {
    rt_json_kind k;
    pointer_st = host->arg(job, pointer, &k, NULL);
  }
  char out[512];
  snprintf(out, sizeof out,
           "{\"name_status\":%d,\"name_kind\":%d,\"name_bytes\":%lu,\"times_status\":%d,"
           "\"times\":%lld,\"missing_status\":%d,\"missing_kind\":%d,\"pointer_status\":%d}",
           (int)name_st, (int)name_kind, (unsigned long)name.len, (int)times_st, (long long)times,
           (int)missing_st, (int)missing_kind, (int)pointer_st);
  return host->set_output(job, lit(out), lit("probed"));
}

static const rt_capability kArgProbe = {
    sizeof(rt_capability),
    "ArgProbe",
    "Read the arguments through arg() and arg_int() (test plugin)",
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}",
    RT_CAP_READ_ONLY,
    validate,
    execute,
};

static const rt_capability *const kCapabilities[] = {&kArgProbe};

static const rt_plugin kPlugin = {
    sizeof(rt_plugin), RT_ABI_MAJOR, RT_ABI_MINOR, "c_args", "1.0.0", 1, kCapabilities,
};

RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) { return &kPlugin; }
