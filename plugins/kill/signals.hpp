// plugins/kill/signals.hpp — the signals the Kill capability accepts, their names, and which
// of them do not end a process (so Kill does not wait for an exit that will not come).
#pragma once

#include <string>

namespace runtimo::kill {

// Kill accepts the standard signals 1–31 and 64 (SIGRTMAX); 0 and 32–63 are refused.
bool is_allowed_signal(long long signal);

// "SIGTERM" for 15 …; "SIG<n>" for a number without a name on this architecture.
std::string signal_name(int signal);

// True for signals whose default action does not terminate the process: SIGSTOP, SIGCONT,
// SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGURG, SIGCHLD and 64.
bool is_non_terminating(int signal);

}  // namespace runtimo::kill
