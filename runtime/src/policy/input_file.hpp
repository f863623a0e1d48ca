// policy/input_file.hpp — reading one of the host's own input files: the job arguments of the
// CLI's --args-file and the configuration file (--config, RUNTIMO_CONFIG).
//
// Owns the one way to read them: through a path policy's open (so a protected file is refused
// before it is read, and a FIFO, device or directory is refused without being opened), a
// regular file of at most kMaxInputBytes (16 MiB), or standard input ("-") where the caller
// allows it, bounded the same way. A refusal names the input and the path and says what was
// wrong; it never quotes what the file holds.
#pragma once

#include "policy/path_policy.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace runtimo::policy {

inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;

struct InputFile {
  PathDecision decision;  // RT_OK (resolved: the file read, or "-"), or the refusal
  std::string text;
};

// `what` names the input in messages ("--args-file", "config file"). `path` "-" is standard
// input when `allow_stdin`, otherwise refused.
InputFile read_input_file(const PathPolicy &policy, std::string_view path, std::string_view what,
                          bool allow_stdin);

}  // namespace runtimo::policy
