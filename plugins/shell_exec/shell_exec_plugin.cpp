// plugins/shell_exec/shell_exec_plugin.cpp — the ShellExec capability (libcap_shell_exec.so):
// run a command through the host's spawn service — an argv without a shell by default, or a
// `cmd` given to /bin/sh -c when `shell` is asked explicitly — with a real deadline that ends
// every process the command started, output read while it runs and capped (head and tail
// kept), an environment that inherits no secrets, and a declared write-set (`writes`) backed up
// first so that what the command changed there can be undone like any other job.
#include "undo_reference.hpp"  // plugins/shared/

#include <runtimo/sdk.hpp>

#include <string>

namespace runtimo::shell_exec {
namespace {

using sdk::Job;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "ShellExec",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "argv": {
      "type": "array", "minItems": 1, "maxItems": 4096,
      "items": {"type": "string", "maxLength": 131072},
      "description": "The program and its arguments, run without a shell: [\"ls\", \"-l\", \"/tmp\"]. The program is looked up on the command's PATH."
    },
    "cmd": {
      "type": "string", "minLength": 1, "maxLength": 131072,
      "description": "A shell command line, run as /bin/sh -c cmd; only with shell: true."
    },
    "shell": {
      "type": "boolean", "default": false,
      "description": "Run cmd through /bin/sh -c (pipes, redirections, globbing). Off by default: prefer argv."
    },
    "cwd": {
      "type": "string", "minLength": 1, "maxLength": 4096,
      "description": "The working directory (default: the job's)."
    },
    "env": {
      "type": "object", "maxProperties": 256,
      "additionalProperties": {"type": "string", "maxLength": 131072},
      "description": "Variables added to the command's environment. Journaled with the job's arguments: pass secrets with inherit_env instead."
    },
    "inherit_env": {
      "type": "array", "maxItems": 256, "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
      "description": "Names of the runtime's own variables to pass on (by default only PATH, HOME, LANG, ... are): their values are never journaled."
    },
    "stdin": {"type": "string", "maxLength": 16777216, "description": "Text written to the command's stdin (default: none, /dev/null)."},
    "timeout_secs": {
      "type": "integer", "minimum": 1, "maximum": 3600,
      "description": "Seconds before every process of the command gets SIGTERM, then SIGKILL (default: the job's deadline, jobs.default_deadline_ms)."
    },
    "max_output_bytes": {
      "type": "integer", "minimum": 0, "maximum": 1073741824,
      "description": "Bytes kept of stdout and of stderr each: the first and last halves past it (default: spawn.max_output_bytes, 1 MiB)."
    },
    "detach": {
      "type": "boolean", "default": false,
      "description": "Leave processes the command started in the background running after it exits (reported as leftovers); by default they are ended."
    },
    "writes": {
      "type": "array", "maxItems": 64, "items": {"type": "string", "minLength": 1, "maxLength": 4096},
      "description": "Files or directories the command may change: backed up before it runs, so runtimo undo JOB restores them; the output lists what changed under them."
    }
  }
})";

struct ShellExec {
  static constexpr const char *name = "ShellExec";
  static constexpr const char *description =
      "Run a command (argv, no shell; or cmd with shell: true) with a deadline that ends every "
      "process it started, stdout and stderr captured (head and tail past max_output_bytes), and "
      "no secrets inherited. Paths in writes are backed up first so runtimo undo JOB restores "
      "them. A non-zero exit is success: false. A dry run shows what would run and runs nothing.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_SPAWNS | RT_CAP_MUTATES_FILES;

  static rt_status validate(Job &job, const boost::json::object &args) {
    const bool shell = args.contains("shell") && args.at("shell").as_bool();
    if (args.contains("argv") == args.contains("cmd"))
      return job.fail(RT_INVALID_ARGS, "give exactly one of argv and cmd",
                      "argv: [\"ls\", \"-l\"] runs without a shell; cmd: \"ls | wc -l\" needs shell: true");
    if (args.contains("cmd") && !shell)
      return job.fail(RT_INVALID_ARGS, "cmd is a shell command line and needs shell: true",
                      "pass shell: true to run it with /bin/sh -c, or split it into argv to run it without a shell");
    if (args.contains("argv") && shell)
      return job.fail(RT_INVALID_ARGS, "shell: true goes with cmd, not argv",
                      "pass the command line as cmd, or drop shell to run argv directly");
    return RT_OK;
  }

  static boost::json::object request(const boost::json::object &args) {
    boost::json::object r;
    if (const auto *cmd = args.if_contains("cmd")) r["argv"] = boost::json::array{"/bin/sh", "-c", *cmd};
    else r["argv"] = args.at("argv");
    for (const char *key : {"cwd", "env", "inherit_env", "stdin", "max_output_bytes", "detach", "writes"})
      if (const auto *v = args.if_contains(key)) r[key] = *v;
    if (const auto *t = args.if_contains("timeout_secs")) r["timeout_ms"] = t->as_int64() * 1000;
    return r;
  }

  static rt_status execute(Job &job, const boost::json::object &args) {
    boost::json::object result;
    if (job.dry_run()) {
      if (const rt_status st = job.spawn(request(args), RT_SPAWN_PLAN_ONLY, &result); st != RT_OK) return st;
      result["dry_run"] = true;
      const bool denied = result.at("denied").as_bool();
      return job.output(result, std::string(denied ? "Would refuse " : "Would run ") + std::string(result.at("executable").as_string()) +
                                    " in " + std::string(result.at("cwd").as_string()) + "; nothing was run");
    }
    if (const rt_status st = job.spawn(request(args), 0, &result); st != RT_OK) return st;
    if (result.at("cancelled").as_bool())
      return job.fail(RT_CANCELLED, "the command was cancelled; every process it started was ended");
    const auto &exit = result.at("exit_code");
    const bool timed_out = result.at("timed_out").as_bool();
    const bool success = !timed_out && exit.is_int64() && exit.as_int64() == 0;
    result["success"] = success;
    if (args.contains("writes")) result["backup"] = shared::undo_reference(job);
    std::string message = timed_out ? "timed out after " + std::to_string(args.contains("timeout_secs") ? args.at("timeout_secs").as_int64() : 0) + " s; every process was ended"
                          : exit.is_int64() ? "exited " + std::to_string(exit.as_int64())
                                            : "killed by " + std::string(result.at("signal").is_string() ? result.at("signal").as_string() : "a signal");
    message += ", " + std::to_string(result.at("stdout_bytes").to_number<std::uint64_t>()) + " bytes of stdout";
    if (const auto n = result.at("leftovers").as_array().size(); n > 0) message += ", " + std::to_string(n) + " process(es) left running";
    return job.output(result, message);
  }
};

}  // namespace
}  // namespace runtimo::shell_exec

RUNTIMO_PLUGIN("shell_exec", "1.0.0", ::runtimo::shell_exec::ShellExec)
