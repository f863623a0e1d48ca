// plugins/kill/signals.cpp — see signals.hpp. The table is keyed by the <signal.h> constants,
// so the numbers are right on every Linux architecture.
#include "signals.hpp"

#include <csignal>

namespace runtimo::kill {
namespace {

constexpr int kSigRtMax = 64;  // the kernel's _NSIG: the highest real-time signal

struct NamedSignal {
  int number;
  const char *name;
};

constexpr NamedSignal kNames[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},     {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},     {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"}, {SIGSTKFLT, "SIGSTKFLT"},
    {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"},     {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"},
    {SIGTTIN, "SIGTTIN"}, {SIGTTOU, "SIGTTOU"},     {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"},
    {SIGXFSZ, "SIGXFSZ"}, {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"},
    {SIGIO, "SIGIO"},     {SIGPWR, "SIGPWR"},       {SIGSYS, "SIGSYS"},   {kSigRtMax, "SIGRTMAX"},
};

constexpr int kNonTerminating[] = {SIGSTOP,  SIGCONT, SIGTSTP, SIGTTIN,  SIGTTOU,
                                   SIGWINCH, SIGURG,  SIGCHLD, kSigRtMax};

}  // namespace

bool is_allowed_signal(long long signal) {
  return (signal >= 1 && signal <= 31) || signal == kSigRtMax;
}

std::string signal_name(int signal) {
  for (const NamedSignal &s : kNames)
    if (s.number == signal) return s.name;
  return "SIG" + std::to_string(signal);
}

bool is_non_terminating(int signal) {
  for (int s : kNonTerminating)
    if (s == signal) return true;
  return false;
}

}  // namespace runtimo::kill
