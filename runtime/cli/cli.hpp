// cli/cli.hpp — shared pieces of the `runtimo` command: the protected output stream, common
// options, and the command entry points (one file per command group).
#pragma once

#include <runtimo/runtime.hpp>

#include <boost/json/value.hpp>
#include <boost/program_options.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace runtimo::cli {

namespace po = boost::program_options;

// Exit codes of the command (README "Exit codes").
enum Exit : int { ok = 0, failed = 1, usage = 2, denied = 3, runtime_error = 4, deadline = 124 };

// The command's real standard output. Before any plugin is loaded, fd 1 is duplicated for the
// command's own output and fd 1 is pointed at stderr, so a plugin that prints cannot corrupt
// `--json` output.
struct Output {
  std::FILE *out = stdout;
  bool terminal = false;
  // Set when a write did not reach the output (a full disk, a closed pipe): the command then
  // exits 4 instead of claiming success it could not report.
  std::shared_ptr<bool> failed = std::make_shared<bool>(false);
  void print(const std::string &text) const;            // as is (help texts, tables built here)
  void line(const std::string &text) const;             // made printable, + '\n'
  void json(const boost::json::value &v) const;         // one line of JSON
};
Output protect_stdout();

// Options every command accepts (home, config, plugin dirs, log level, json, help).
po::options_description common_options();
struct Common {
  RuntimeOptions runtime;
  bool json = false;
};
Common read_common(const po::variables_map &vm);

// Parses argv for a command with its own options and positionals. Throws po::error.
po::variables_map parse(const std::vector<std::string> &args, const po::options_description &opts,
                        const po::positional_options_description &positional);

// Opens the runtime for `purpose`, printing a RuntimeError (message + hint) to stderr; nullptr
// on failure with `exit_code` set.
std::unique_ptr<Runtime> open_runtime(Common common, RuntimeOptions::Purpose purpose, int &exit_code);

// `text` safe to print on a terminal: control characters (C0 but newline and tab, DEL, C1) and
// bytes that are not UTF-8 are shown as \xNN escapes, so no output can move the cursor, change
// colours or retitle the terminal.
std::string printable(std::string_view text);
// One line of human text on stderr, made printable.
void error_line(const std::string &text);
// The error of a job for people: "error (kind, at stage): message", details, the hint, and what
// to type next (the CLI's wording of error.remedy).
void print_error(const JobError &error, const std::string &stage, const std::string &capability);

// Usage error: message and hint on stderr, returns Exit::usage.
int usage_error(const std::string &command, const std::string &message);

void print_help(const Output &out, const std::string &synopsis, const po::options_description &opts);

int cmd_list(const Output &out, const std::vector<std::string> &args);
int cmd_describe(const Output &out, const std::vector<std::string> &args);
int cmd_plugins(const Output &out, const std::vector<std::string> &args);
int cmd_plugin(const Output &out, const std::vector<std::string> &args);  // plugin check FILE
int cmd_run(const Output &out, const std::vector<std::string> &args);
int cmd_mcp(const Output &out, const std::vector<std::string> &args);
int cmd_undo(const Output &out, const std::vector<std::string> &args);
int cmd_session(const Output &out, const std::vector<std::string> &args);
int cmd_gc(const Output &out, const std::vector<std::string> &args);
int cmd_logs(const Output &out, const std::vector<std::string> &args);
int cmd_status(const Output &out, const std::vector<std::string> &args);
int cmd_wal(const Output &out, const std::vector<std::string> &args);
int cmd_telemetry(const Output &out, const std::vector<std::string> &args);
int cmd_processes(const Output &out, const std::vector<std::string> &args);

}  // namespace runtimo::cli
