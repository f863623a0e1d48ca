// spawn/pipe_io.hpp — the runner's side of the three pipes: creating them (close-on-exec, the
// runner's ends non-blocking, 1 MiB buffers where allowed), and writing stdin without SIGPIPE.
// A command that exits without reading its stdin must not kill the runtime with SIGPIPE, and
// the process-wide disposition belongs to the embedding program, so SIGPIPE is blocked for the
// writing thread only around each write and a pending one it caused is consumed.
#pragma once

#include <sys/types.h>

#include <cstddef>

#include "util/unique_fd.hpp"

namespace runtimo::spawn {

using util::UniqueFd;

struct PipeEnds {
  UniqueFd runner;  // non-blocking
  UniqueFd child;   // >= 3 (free of 0/1/2 even if the runtime closed them), close-on-exec
};

enum class PipeDirection { to_child, from_child };

// Throws std::system_error when no pipe can be made.
PipeEnds make_pipe(PipeDirection direction);

// /dev/null for reading, as a child-side descriptor (>= 3, close-on-exec).
UniqueFd open_dev_null();

// write(2) that returns -1 with errno EPIPE instead of raising SIGPIPE.
ssize_t write_without_sigpipe(int fd, const char *data, std::size_t size);

}  // namespace runtimo::spawn
