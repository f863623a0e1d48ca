// plugins/kill/thread_owner.hpp — which process a thread id belongs to. Every thread has a
// /proc/<tid> entry, so a thread id looks like a pid until pidfd_open() refuses it; the Tgid
// line of /proc/<tid>/status (read through the host's path policy, like every file a plugin
// reads) names the process, so the refusal can say which pid to give instead.
#pragma once

#include <runtimo/sdk.hpp>

#include <cstdint>
#include <optional>

namespace runtimo::kill {

// The thread-group id of `tid`, or nullopt when it cannot be read (the thread is gone).
std::optional<std::int64_t> owning_process(sdk::Job &job, std::int64_t tid);

}  // namespace runtimo::kill
