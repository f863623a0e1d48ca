// cli/cli_common.cpp — output protection, common options, parsing and runtime opening shared by
// every command.
#include "cli.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

namespace runtimo::cli {

void Output::print(const std::string &text) const {
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}
void Output::line(const std::string &text) const { print(text + "\n"); }
void Output::json(const boost::json::value &v) const { line(boost::json::serialize(v)); }

Output protect_stdout() {
  Output o;
  o.terminal = ::isatty(STDOUT_FILENO) == 1;
  std::fflush(stdout);
  const int saved = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (saved >= 0 && ::dup2(STDERR_FILENO, STDOUT_FILENO) >= 0) {
    if (std::FILE *f = ::fdopen(saved, "w")) o.out = f;
  }
  return o;
}

po::options_description common_options() {
  po::options_description o("Common options");
  o.add_options()
      ("home", po::value<std::string>(), "Runtimo home (default: RUNTIMO_HOME, $XDG_STATE_HOME/runtimo, ~/.local/state/runtimo)")
      ("config", po::value<std::string>(), "configuration file (default: RUNTIMO_CONFIG, else the embedded default)")
      ("plugin-dir", po::value<std::vector<std::string>>(), "extra plugin directory (repeatable; searched after the build's and RUNTIMO_PLUGIN_PATH)")
      ("log-level", po::value<std::string>(), "trace|debug|info|warning|error (default: RUNTIMO_LOG, else config)")
      ("json", "machine-readable JSON output")
      ("help,h", "show this help");
  return o;
}

Common read_common(const po::variables_map &vm) {
  Common c;
  if (vm.count("home")) c.runtime.home = vm["home"].as<std::string>();
  if (vm.count("config")) c.runtime.config_file = vm["config"].as<std::string>();
  if (vm.count("plugin-dir"))
    for (const auto &d : vm["plugin-dir"].as<std::vector<std::string>>())
      c.runtime.extra_plugin_dirs.emplace_back(d);
  if (vm.count("log-level")) c.runtime.log_level = vm["log-level"].as<std::string>();
  c.json = vm.count("json") > 0;
  return c;
}

po::variables_map parse(const std::vector<std::string> &args, const po::options_description &opts,
                        const po::positional_options_description &positional) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

std::unique_ptr<Runtime> open_runtime(const Common &common, int &exit_code) {
  try {
    return Runtime::open(common.runtime);
  } catch (const RuntimeError &e) {
    std::cerr << "runtimo: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
    exit_code = e.exit_code();
  } catch (const std::exception &e) {
    std::cerr << "runtimo: " << e.what() << "\n";
    exit_code = Exit::runtime_error;
  }
  return nullptr;
}

int usage_error(const std::string &command, const std::string &message) {
  std::cerr << "runtimo " << command << ": " << message << "\n"
            << "  hint: see `runtimo " << command << " --help`\n";
  return Exit::usage;
}

void print_help(const Output &out, const std::string &synopsis, const po::options_description &opts) {
  std::ostringstream s;
  s << "usage: " << synopsis << "\n\n" << opts;
  out.print(s.str());
}

}  // namespace runtimo::cli
