// cli/cmd_mcp.cpp — `runtimo mcp`: the Model Context Protocol server on stdin/stdout.
#include "cli.hpp"

#include "server/mcp_server.hpp"

#include <cerrno>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace runtimo::cli {
namespace {

int stop_pipe[2] = {-1, -1};

// SIGTERM, SIGINT, SIGHUP: stop reading, cancel the calls under way, journal their ends, exit.
extern "C" void on_stop_signal(int) {
  const int saved = errno;
  (void)!::write(stop_pipe[1], "x", 1);
  errno = saved;
}

bool catch_stop_signals() {
  if (::pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, SIGHUP})
    if (::sigaction(sig, &sa, nullptr) != 0) return false;
  return true;
}

}  // namespace

int cmd_mcp(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  const auto vm = parse(args, opts, {});
  if (vm.count("help"))
    return print_help(out,
                      "runtimo mcp  (a Model Context Protocol server: JSON-RPC 2.0, one message per "
                      "line, on stdin and stdout; logs on stderr)",
                      opts),
           Exit::ok;
  // A client that goes away must not kill the server while jobs are still being journaled.
  ::signal(SIGPIPE, SIG_IGN);
  // stdin carries the protocol: the server reads it on a descriptor of its own, and fd 0 —
  // which a supervised worker or a command would inherit — reads nothing.
  const int in = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in < 0 || null < 0 || ::dup2(null, STDIN_FILENO) < 0 || !catch_stop_signals()) {
    error_line("runtimo mcp: cannot set up stdin");
    return Exit::runtime_error;
  }
  ::close(null);
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::run, code);
  if (!rt) return code;
  return server::serve_mcp(*rt, in, out.out, server::mcp_options_from(rt->config()), stop_pipe[0]);
}

}  // namespace runtimo::cli
