/*
 * uptime.c — an example capability plugin in plain C99 (libcap_uptime.so), built against the
 * installed Runtimo SDK's runtimo/abi.h alone: Uptime says how long the machine has been up and
 * how long its CPUs were idle, from /proc/uptime read through the host's open_path.
 *
 * What it shows: the three things a plugin exports (an rt_capability, the rt_plugin table and
 * the entry function), all static; a schema that leaves nothing to parse (Uptime takes no
 * arguments, so the host refuses any); set_output with JSON text the plugin wrote itself, and
 * set_error; a descriptor received from the host that the plugin closes. Numbers are parsed
 * and printed by hand: the host's locale is not the plugin's to assume.
 */
#define _POSIX_C_SOURCE 200809L
#include <runtimo/abi.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char kSchema[] =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
    "\"additionalProperties\":false}";

static rt_str str(const char *text) {
  rt_str s;
  s.ptr = text;
  s.len = strlen(text);
  return s;
}

/* Reads "<seconds>.<hundredths>" at *p into hundredths of a second; 0 when it is not that. */
static int read_centiseconds(const char **p, long long *out) {
  const char *s = *p;
  long long whole = 0;
  int digits = 0;
  while (*s == ' ') ++s;
  for (; *s >= '0' && *s <= '9' && digits < 15; ++s, ++digits) whole = whole * 10 + (*s - '0');
  if (digits == 0 || s[0] != '.' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return 0;
  *out = whole * 100 + (s[1] - '0') * 10 + (s[2] - '0');
  *p = s + 3;
  return 1;
}

static rt_status uptime_validate(const rt_host_api *host, rt_job *job, rt_str args_json) {
  (void)host;
  (void)job;
  (void)args_json; /* the schema admits only {} */
  return RT_OK;
}

static rt_status uptime_execute(const rt_host_api *host, rt_job *job, rt_str args_json) {
  char text[128], data[128], message[96];
  const char *p = text;
  long long up = 0, idle = 0;
  int32_t fd = -1;
  ssize_t n;
  rt_status st;
  (void)args_json;

  st = host->open_path(job, str("/proc/uptime"), RT_ACCESS_READ, O_RDONLY, &fd, NULL);
  if (st != RT_OK) return st; /* the host has recorded why */
  do {
    n = read(fd, text, sizeof text - 1);
  } while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0) {
    host->set_error(job, RT_FAILED, str("cannot read /proc/uptime"), str(""));
    return RT_FAILED;
  }
  text[n] = '\0';
  if (!read_centiseconds(&p, &up) || !read_centiseconds(&p, &idle)) {
    host->set_error(job, RT_FAILED, str("/proc/uptime does not read \"<up> <idle>\""), str(""));
    return RT_FAILED;
  }
  snprintf(data, sizeof data, "{\"uptime_seconds\":%lld.%02lld,\"idle_seconds\":%lld.%02lld}",
           up / 100, up % 100, idle / 100, idle % 100);
  snprintf(message, sizeof message, "up %lld days, %02lld:%02lld:%02lld", up / 8640000,
           up / 360000 % 24, up / 6000 % 60, up / 100 % 60);
  return host->set_output(job, str(data), str(message));
}

static const rt_capability kUptime = {
    .struct_size = sizeof(rt_capability),
    .name = "Uptime",
    .description =
        "How long the machine has been up and its CPUs idle, in seconds "
        "(from /proc/uptime).",
    .args_schema = kSchema,
    .flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT | RT_CAP_RESCUE,
    .validate = uptime_validate,
    .execute = uptime_execute,
};

static const rt_capability *const kCapabilities[] = {&kUptime};

static const rt_plugin kPlugin = {
    .struct_size = sizeof(rt_plugin),
    .abi_major = RT_ABI_MAJOR,
    .abi_minor = RT_ABI_MINOR,
    .name = "uptime",
    .version = "1.0.0",
    .capability_count = 1,
    .capabilities = kCapabilities,
};

/* The one exported symbol (RT_PLUGIN_ENTRY_SYMBOL): no work, no failure, a static table. */
RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) {
  return &kPlugin;
}
