// exec/host_api.hpp — the rt_host_api vtable the host passes to every plugin call.
#pragma once

#include <runtimo/abi.h>

namespace runtimo::exec {

// The one host table (static storage, valid for the life of the process).
const rt_host_api *host_api();

}  // namespace runtimo::exec
