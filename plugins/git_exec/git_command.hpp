// plugins/git_exec/git_command.hpp — the git command lines GitExec runs, and the spawn requests
// that carry them. Every command starts with the same hardening prefix:
//
//   git -c credential.helper=          no stored credentials are used or saved
//       -c core.hooksPath=/dev/null    no hook of the repository runs
//       -c protocol.ext.allow=never    no ext:: remote helper (runs commands)
//       -c protocol.file.allow=never   no local (file) transport, also for a configured remote
//       -c core.fsmonitor=false        no fsmonitor command from the repository's config
//       -c core.sshCommand=ssh -o BatchMode=yes   no ssh command from the config, no prompt
//       -c commit.gpgSign=false        no gpg.program from the config
//       -c submodule.recurse=false     submodules are not entered
//       --literal-pathspecs            paths are exact names, never globs or :(magic)
//
// and runs with GIT_TERMINAL_PROMPT=0, GIT_ASKPASS= and SSH_ASKPASS= (no prompt can block),
// GIT_CONFIG_NOSYSTEM=1 and GIT_CONFIG_GLOBAL=/dev/null (only the repository's own config),
// GIT_EDITOR=true (no editor), LC_ALL=C (parseable output), and for the read-only ops
// GIT_OPTIONAL_LOCKS=0 (status does not rewrite the index). Everything the caller gave comes
// after the option it belongs to, as one argv element, and paths always after `--`.
#pragma once

#include "git_inputs.hpp"

#include <runtimo/sdk.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace runtimo::git_exec {

// The whole argv of `op` (prefix included). `target` is the work tree's top level, or for
// clone the destination directory.
boost::json::array op_argv(Op op, const boost::json::object &args, const std::string &target);

// A read-only helper command: the prefix, then `tail`.
boost::json::array helper_argv(std::initializer_list<const char *> tail);

// The spawn request for `argv` run in `cwd`. `writes` empty for a read-only command.
boost::json::object spawn_request(boost::json::array argv, const std::string &cwd,
                                  const std::vector<std::string> &writes, std::int64_t timeout_ms);

}  // namespace runtimo::git_exec
