// cli/cmd_run.cpp — the commands that run a job: `runtimo run CAP [ARGS_JSON] [--args-file F|-]
// [--dry-run] [--timeout S]`, and `runtimo undo JOB [--dry-run] [--force]` (the Undo capability).
#include "cli.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>

namespace runtimo::cli {
namespace {

// Reads the arguments of --args-file F (or "-", stdin) through the runtime's read policy.
// Returns the exit code of a refusal (3 for a protected file, 2 otherwise), 0 on success.
int read_args_file(const Runtime &rt, const std::string &file, std::string &text) {
  JobError error;
  std::optional<std::string> read = rt.read_args_file(file, error);
  if (read) {
    text = std::move(*read);
    return Exit::ok;
  }
  error_line("runtimo run: " + error.message);
  if (!error.hint.empty()) error_line("  hint: " + error.hint);
  return exit_code_of(error.kind);
}

// "processes: 1 appeared (sleep 4242), 1 exited (bash 4240)", or "" when nothing changed.
std::string delta_line(const boost::json::value &processes) {
  const auto *delta = processes.is_object() ? processes.as_object().if_contains("delta") : nullptr;
  if (delta == nullptr) return {};
  std::string line;
  for (const char *side : {"appeared", "exited"}) {
    const auto &o = delta->as_object();
    const auto count = o.at(std::string(side) + "_count").to_number<std::int64_t>();
    if (count == 0) continue;
    std::string names;
    std::size_t shown = 0;
    for (const auto &p : o.at(side).as_array()) {
      if (++shown > 5) break;
      const auto *comm = p.as_object().if_contains("comm");
      names += (names.empty() ? "" : ", ") + (comm ? std::string(comm->as_string()) + " " : std::string()) +
               std::to_string(p.at("pid").to_number<std::int64_t>());
    }
    if (static_cast<std::int64_t>(shown) < count || shown > 5) names += ", …";
    line += (line.empty() ? "" : ", ") + std::to_string(count) + " " + side + " (" + names + ")";
  }
  return line.empty() ? line : "  processes: " + line;
}

void print_text(const Output &out, const JobResult &r) {
  const std::string status(to_string(r.status));
  std::ostringstream head;
  head.setf(std::ios::fixed);
  head.precision(1);
  head << r.capability << " " << status << (r.dry_run ? " (dry run)" : "") << " in "
       << r.duration_ms << " ms  [job " << r.job_id << "]";
  if (r.success) {
    out.line(head.str());
    if (!r.message.empty()) out.line("  " + r.message);
    if (const std::string delta = delta_line(r.processes); !delta.empty()) out.line(delta);
    if (!r.data.is_null()) out.line(boost::json::serialize(r.data));
    return;
  }
  // Failures go to stderr so scripts can keep stdout for data.
  error_line(head.str());
  if (r.error) print_error(*r.error, r.stage, r.capability);
  if (!r.data.is_null()) out.line(boost::json::serialize(r.data));
}

// A job run with --session joins a session that `runtimo session create` made and that is
// still open; 0, or the usage error.
int check_session(const Runtime &rt, const std::string &id) {
  if (id.empty()) return Exit::ok;
  const auto s = rt.session(id);
  if (!s) return usage_error("run", "no session " + id + " in the journal; create one with runtimo session create");
  if (!s->closed.empty()) return usage_error("run", "session " + id + " was closed at " + s->closed + "; create a new one");
  return Exit::ok;
}

// Prints the result as text or JSON; the exit code of the job.
int report(const Output &out, bool json, const JobResult &r) {
  if (json)
    out.json(r.to_json());
  else
    print_text(out, r);
  return r.exit_code();
}

}  // namespace

int cmd_run(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()
      ("capability", po::value<std::string>(), "capability name")
      ("args", po::value<std::string>(), "arguments as one JSON object")
      ("args-file", po::value<std::string>(), "read the arguments from a regular file (at most 16 MiB, through the read policy), or '-' for stdin")
      ("dry-run", "validate and preview without changing the machine")
      ("timeout", po::value<double>(), "deadline in seconds (default: config jobs.default_deadline_ms)")
      ("session", po::value<std::string>(), "session id to group the job under");
  po::positional_options_description pos;
  pos.add("capability", 1).add("args", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help"))
    return print_help(out,
                      "runtimo run CAP [ARGS_JSON] [--args-file F | --args-file -] [--dry-run] "
                      "[--timeout S] [--json]",
                      opts),
           Exit::ok;
  if (!vm.count("capability"))
    return usage_error("run", "which capability? e.g. runtimo run FileRead '{\"path\":\"README.md\"}'");
  if (vm.count("args") && vm.count("args-file"))
    return usage_error("run", "give the arguments either inline or with --args-file, not both");

  std::string args_text = vm.count("args") ? vm["args"].as<std::string>() : std::string("{}");
  RunOptions run;
  run.dry_run = vm.count("dry-run") > 0;
  if (vm.count("session")) run.session_id = vm["session"].as<std::string>();
  if (vm.count("timeout")) {
    const double s = vm["timeout"].as<double>();
    if (!(s > 0) || !std::isfinite(s) || s > 86400)
      return usage_error("run", "--timeout must be a number of seconds in (0, 86400]");
    run.timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(s * 1000)));
  }

  Common common = read_common(vm);
  common.runtime.only_plugin_for = vm["capability"].as<std::string>();
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::run, code);
  if (!rt) return code;
  if (vm.count("args-file"))
    if (const int refused = read_args_file(*rt, vm["args-file"].as<std::string>(), args_text))
      return refused;
  if (const int refused = check_session(*rt, run.session_id)) return refused;
  return report(out, common.json, rt->run(vm["capability"].as<std::string>(), args_text, run));
}

int cmd_undo(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()
      ("job", po::value<std::string>(), "the job to take back")
      ("dry-run", "list what would be restored and change nothing")
      ("force", "restore also the paths that changed after the job (their current state is backed up first)")
      ("session", po::value<std::string>(), "session id to group the undo under");
  po::positional_options_description pos;
  pos.add("job", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help"))
    return print_help(out, "runtimo undo JOB [--dry-run] [--force] [--json]  (runs the Undo capability)", opts), Exit::ok;
  if (!vm.count("job")) return usage_error("undo", "which job? runtimo status lists recent jobs");
  RunOptions run;
  run.dry_run = vm.count("dry-run") > 0;
  if (vm.count("session")) run.session_id = vm["session"].as<std::string>();
  const boost::json::object undo_args{{"job", vm["job"].as<std::string>()}, {"force", vm.count("force") > 0}};
  Common common = read_common(vm);
  common.runtime.only_plugin_for = "Undo";
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::run, code);
  if (!rt) return code;
  if (const int refused = check_session(*rt, run.session_id)) return refused;
  return report(out, common.json, rt->run("Undo", boost::json::serialize(undo_args), run));
}

}  // namespace runtimo::cli
