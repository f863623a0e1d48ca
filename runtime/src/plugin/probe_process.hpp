// plugin/probe_process.hpp — loading plugin files in throw-away child processes first, so that
// one that crashes, exits or hangs while loading cannot take the host down.
//
// Owns: the probe process (fork; in the child: every signal at its default action, a process
// group of its own, SIGKILL should the host die, an exit() by plugin code that skips the host's
// exit handlers, fd 1 pointed at stderr, then load_plugin() — the host's own sequence — with a
// stage marker written to a pipe as each stage begins, the verdict as one JSON line, _exit), and
// the host side: reading the pipe, waiting for the exit with a deadline, SIGKILL to the probe's
// whole process group at the deadline (and after any exit, so nothing a constructor started
// outlives the probe), and turning the exit status into a ProbeVerdict. Several files are
// probed at once (a few at a time), so ten hanging files cost one timeout, not ten.
//
// The child is a fork of the host, not a fresh program: it runs only the loader and the
// checks, and the runtime probes while it opens, before it starts threads of its own.
#pragma once

#include "plugin/probe_verdict.hpp"
#include "schema/meta_verdicts.hpp"

#include <chrono>
#include <filesystem>
#include <string_view>
#include <vector>

namespace runtimo::plugin {

// One verdict per file, in the same order; a probe that takes longer than `timeout` is killed
// and its file judged to hang. Never throws for a misbehaving plugin.
std::vector<ProbeVerdict> probe_plugins(const std::vector<std::filesystem::path> &files,
                                        schema::MetaVerdicts *verdicts,
                                        std::chrono::milliseconds timeout);

// The environment variable that sets the probe timeout, in seconds ("1", "0.5"; at most 600).
inline constexpr const char *kProbeTimeoutVariable = "RUNTIMO_PLUGIN_PROBE_TIMEOUT";

// The timeout kProbeTimeoutVariable sets, else `fallback`. Throws std::invalid_argument naming
// the variable and its value when it is not a number of seconds in (0, 600].
std::chrono::milliseconds probe_timeout_from_environment(std::chrono::milliseconds fallback);

}  // namespace runtimo::plugin
