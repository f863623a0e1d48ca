// cli/main.cpp — `runtimo`: dispatches to one command per file group.
#include "cli.hpp"

#include <runtimo/abi.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>

namespace {

constexpr const char *kUsage =
    "usage: runtimo COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  list                     capabilities that are loaded\n"
    "  describe CAP             a capability's schema, flags, plugin and version\n"
    "  run CAP [ARGS_JSON]      run a job (--args-file F|-, --dry-run, --timeout S, --json)\n"
    "  undo JOB                 take a job back (--dry-run, --force, --json)\n"
    "  session ACTION           create [--name N] | list | show ID | close ID | undo ID [--dry-run]\n"
    "  gc                       remove old backups (--older-than D, --max-bytes B, --dry-run)\n"
    "  mcp                      a Model Context Protocol server on stdin/stdout (for agents)\n"
    "  logs                     journal events (--job ID, --tail N, --json)\n"
    "  status [JOB]             one job's events and final state, or recent jobs\n"
    "  plugins                  plugin files loaded and rejected, with reasons\n"
    "  plugin check FILE        would FILE load as a plugin? (probed in a child; exit 0/1)\n"
    "  wal verify               check every journal line (CRC, seq); exit 1 on damage\n"
    "  telemetry                the machine now: cpu, memory, pressure, disks, network, ports\n"
    "  processes                processes now (--tree, --top N, --user U, --name S, --sort KEY)\n"
    "\n"
    "Every command takes --help, --json, --home DIR, --config FILE, --plugin-dir DIR,\n"
    "--log-level LEVEL. `runtimo --version` prints the version.\n"
    "Exit codes: 0 ok, 1 failed, 2 usage or rejected arguments, 3 denied, 4 runtime error,\n"
    "124 deadline exceeded.\n";

}  // namespace

int main(int argc, char **argv) {
  using namespace runtimo::cli;
  const Output out = protect_stdout();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return Exit::usage;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "--version" || command == "-V" || command == "version") {
    out.line("runtimo " RUNTIMO_VERSION " (plugin ABI " + std::to_string(RT_ABI_MAJOR) + "." +
             std::to_string(RT_ABI_MINOR) + ")");
    return Exit::ok;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    out.print(kUsage);
    return Exit::ok;
  }
  static const std::map<std::string, int (*)(const Output &, const std::vector<std::string> &)>
      commands = {{"list", &cmd_list},     {"describe", &cmd_describe}, {"plugins", &cmd_plugins},
                  {"plugin", &cmd_plugin},
                  {"run", &cmd_run},       {"mcp", &cmd_mcp},       {"undo", &cmd_undo},       {"session", &cmd_session},       {"gc", &cmd_gc},       {"logs", &cmd_logs},         {"status", &cmd_status},
                  {"wal", &cmd_wal},       {"telemetry", &cmd_telemetry},
                  {"processes", &cmd_processes}};
  const auto it = commands.find(command);
  if (it == commands.end()) {
    std::cerr << "runtimo: unknown command \"" << command << "\"\n\n" << kUsage;
    return Exit::usage;
  }
  try {
    const int code = it->second(out, args);
    if (*out.failed) {
      std::cerr << "runtimo " << command << ": cannot write the output: " << std::strerror(errno) << "\n";
      return Exit::runtime_error;
    }
    return code;
  } catch (const po::error &e) {
    return usage_error(command, e.what());
  } catch (const std::exception &e) {
    std::cerr << "runtimo " << command << ": " << e.what() << "\n";
    return Exit::runtime_error;
  }
}
