/*
 * abi_layout.c — the layout of ABI 1.0 as numbers: the offset of every field ABI 1.0 defined and
 * the value of every constant it defined. Compiled twice (tests/abi/CMakeLists.txt): against
 * the frozen 1.0 header as abi_layout_1_0() and against the current header as
 * abi_layout_current(); abi_layout_test.cpp requires the two to agree, so a change that moves a
 * 1.0 field or renumbers a 1.0 constant fails a test whatever the header's comments say.
 * Only names that exist in 1.0 may appear here (it must compile against both headers).
 */
#include <runtimo/abi.h>

#include "abi_layout.h"

#define FIELD(type, field) \
  { #type "." #field, offsetof(type, field) }
#define SIZE(type) \
  { "sizeof " #type, sizeof(type) }
#define VALUE(name) \
  { #name, (size_t)(name) }

static const abi_layout_entry kLayout[] = {
    VALUE(RT_ABI_MAJOR),
    VALUE(RT_OK),
    VALUE(RT_INVALID_ARGS),
    VALUE(RT_DENIED),
    VALUE(RT_NOT_FOUND),
    VALUE(RT_FAILED),
    VALUE(RT_TIMEOUT),
    VALUE(RT_CANCELLED),
    VALUE(RT_INTERNAL),
    VALUE(RT_CAP_READ_ONLY),
    VALUE(RT_CAP_DESTRUCTIVE),
    VALUE(RT_CAP_IDEMPOTENT),
    VALUE(RT_CAP_MUTATES_FILES),
    VALUE(RT_CAP_SPAWNS),
    VALUE(RT_CAP_RESCUE),
    VALUE(RT_CAP_SERIAL),
    VALUE(RT_ACCESS_READ),
    VALUE(RT_ACCESS_WRITE),
    VALUE(RT_LOG_TRACE),
    VALUE(RT_LOG_DEBUG),
    VALUE(RT_LOG_INFO),
    VALUE(RT_LOG_WARNING),
    VALUE(RT_LOG_ERROR),
    SIZE(rt_str),
    FIELD(rt_str, ptr),
    FIELD(rt_str, len),
    FIELD(rt_process_identity, struct_size),
    FIELD(rt_process_identity, exists),
    FIELD(rt_process_identity, pid),
    FIELD(rt_process_identity, ppid),
    FIELD(rt_process_identity, uid),
    FIELD(rt_process_identity, state),
    FIELD(rt_process_identity, kernel_thread),
    FIELD(rt_process_identity, start_time_ticks),
    FIELD(rt_process_identity, comm),
    FIELD(rt_host_api, struct_size),
    FIELD(rt_host_api, abi_major),
    FIELD(rt_host_api, abi_minor),
    FIELD(rt_host_api, job_id),
    FIELD(rt_host_api, session_id),
    FIELD(rt_host_api, dry_run),
    FIELD(rt_host_api, working_dir),
    FIELD(rt_host_api, remaining_ms),
    FIELD(rt_host_api, cancelled),
    FIELD(rt_host_api, set_output),
    FIELD(rt_host_api, set_error),
    FIELD(rt_host_api, wal_event),
    FIELD(rt_host_api, process_identity),
    FIELD(rt_host_api, check_path),
    FIELD(rt_host_api, open_path),
    FIELD(rt_host_api, check_process),
    FIELD(rt_host_api, log),
    FIELD(rt_capability, struct_size),
    FIELD(rt_capability, name),
    FIELD(rt_capability, description),
    FIELD(rt_capability, args_schema),
    FIELD(rt_capability, flags),
    FIELD(rt_capability, validate),
    FIELD(rt_capability, execute),
    FIELD(rt_plugin, struct_size),
    FIELD(rt_plugin, abi_major),
    FIELD(rt_plugin, abi_minor),
    FIELD(rt_plugin, name),
    FIELD(rt_plugin, version),
    FIELD(rt_plugin, capability_count),
    FIELD(rt_plugin, capabilities),
};

const abi_layout_entry *ABI_LAYOUT_FN(size_t *count) {
  *count = sizeof kLayout / sizeof kLayout[0];
  return kLayout;
}
