// cli/cmd_mcp.cpp — `runtimo mcp`: the Model Context Protocol server on stdin/stdout.
#include "cli.hpp"

#include "server/mcp_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace runtimo::cli {

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
  if (in < 0 || null < 0 || ::dup2(null, STDIN_FILENO) < 0) {
    error_line("runtimo mcp: cannot set up stdin");
    return Exit::runtime_error;
  }
  ::close(null);
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::run, code);
  if (!rt) return code;
  return server::serve_mcp(*rt, in, out.out, server::mcp_options_from(rt->config()));
}

}  // namespace runtimo::cli
