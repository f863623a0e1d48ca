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
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0)
    *failed = true;
}
void Output::line(const std::string &text) const { print(printable(text) + "\n"); }
void Output::json(const boost::json::value &v) const { print(boost::json::serialize(v) + "\n"); }

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  const auto escape = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {  // C0 controls and DEL
      escape(c);
      ++i;
      continue;
    }
    // A multi-byte character (a lead byte and its continuation bytes) is copied whole unless it
    // is a C1 control (U+0080–U+009F); a byte that starts no such sequence is escaped alone.
    const std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    bool whole = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; whole && k < len; ++k)
      whole = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!whole || (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0)) {
      escape(c);
      ++i;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

void error_line(const std::string &text) { std::cerr << printable(text) << "\n"; }

void print_error(const JobError &e, const std::string &stage, const std::string &capability) {
  error_line("  error (" + std::string(to_string(e.kind)) + (stage.empty() ? "" : ", at " + stage) +
             "): " + e.message);
  for (const auto &d : e.details)
    error_line("    " + (d.path.empty() ? std::string("(root)") : d.path) + ": " + d.message);
  if (!e.hint.empty()) error_line("  hint: " + e.hint);
  std::string next;
  switch (e.remedy) {
    case Remedy::fix_arguments: next = "runtimo describe " + capability; break;
    case Remedy::choose_capability: next = "runtimo list"; break;
    case Remedy::raise_deadline: next = "runtimo run " + capability + " … --timeout SECONDS"; break;
    case Remedy::free_resources: next = "runtimo telemetry"; break;
    case Remedy::check_home: next = "df -h; ls -ld on the home (--home, RUNTIMO_HOME)"; break;
    case Remedy::none: break;
  }
  if (!next.empty()) error_line("  try: " + next);
}

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

std::unique_ptr<Runtime> open_runtime(Common common, RuntimeOptions::Purpose purpose, int &exit_code) {
  common.runtime.purpose = purpose;
  try {
    return Runtime::open(common.runtime);
  } catch (const RuntimeError &e) {
    error_line(std::string("runtimo: ") + e.what());
    if (!e.hint().empty()) error_line("  hint: " + e.hint());
    exit_code = e.exit_code();
  } catch (const std::exception &e) {
    error_line(std::string("runtimo: ") + e.what());
    exit_code = Exit::runtime_error;
  }
  return nullptr;
}

int usage_error(const std::string &command, const std::string &message) {
  error_line("runtimo " + command + ": " + message);
  error_line("  hint: see `runtimo " + command + " --help`");
  return Exit::usage;
}

void print_help(const Output &out, const std::string &synopsis, const po::options_description &opts) {
  std::ostringstream s;
  s << "usage: " << synopsis << "\n\n" << opts;
  out.print(s.str());
}

}  // namespace runtimo::cli
