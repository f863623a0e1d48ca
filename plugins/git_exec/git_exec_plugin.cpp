// plugins/git_exec/git_exec_plugin.cpp — the GitExec capability (libcap_git_exec.so): run one git
// operation on a work tree through the host's spawn service, never a shell, with a hardened
// command line (git_command.hpp) and arguments that cannot smuggle options, remote helpers or
// local transports (git_inputs.hpp). Every mutating op declares the whole repository — the
// work tree with its .git, and a git directory kept elsewhere — as the command's write-set, so
// the host backs it up before git runs and `runtimo undo JOB` puts HEAD, the branch, the index
// and the files back exactly; HEAD and the branch are read before and after and reported.
#include "git_command.hpp"
#include "git_inputs.hpp"
#include "git_output.hpp"
#include "undo_reference.hpp"  // plugins/shared/

#include <runtimo/sdk.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::git_exec {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using sdk::Job;

constexpr std::int64_t kHelperTimeoutMs = 30000;

constexpr const char *kSchema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "GitExec",
  "type": "object",
  "additionalProperties": false,
  "required": ["op", "repo"],
  "properties": {
    "op": {
      "type": "string",
      "enum": ["status", "diff", "log", "clone", "pull", "fetch", "checkout", "commit", "revert", "reset", "clean"],
      "description": "The git operation. Read-only: status (git status --porcelain=v1 -z --branch -- PATHS, parsed into entries), diff (git diff --no-ext-diff --no-textconv [REF] -- PATHS), log (git log -z --max-count=N [REF] -- PATHS, parsed into commits). Mutating, undoable with runtimo undo JOB: clone (git clone --no-recurse-submodules [--branch=BRANCH] -- URL REPO), pull (git pull --ff-only --no-rebase -- [URL [BRANCH]]), fetch (git fetch -- [URL [BRANCH]]), checkout (see branch, ref and paths), commit (git commit --message=MESSAGE [--all] -- PATHS), revert (git revert --no-edit REF --), reset (git reset --MODE REF --, or git reset REF -- PATHS), clean (git clean -f [-d] -- PATHS). Every command runs as git -c credential.helper= -c core.hooksPath=/dev/null -c protocol.ext.allow=never -c protocol.file.allow=never -c core.fsmonitor=false -c core.sshCommand='ssh -o BatchMode=yes' -c commit.gpgSign=false -c submodule.recurse=false --literal-pathspecs, with no prompts, no global or system config and LC_ALL=C."
    },
    "repo": {
      "type": "string", "minLength": 1, "maxLength": 4096,
      "description": "The repository's work tree (or a directory inside it; paths are relative to it), absolute or relative to the job's working directory. For clone: the destination directory, which must not exist yet (its parent must)."
    },
    "url": {
      "type": "string", "minLength": 1, "maxLength": 2048,
      "description": "The remote for clone (required), fetch and pull (default: the configured upstream): https://host/path, ssh://[user@]host/path or user@host:path only. Local paths and file:// URLs, remote helpers (ext::, fd::), other schemes, a leading '-', whitespace and control characters are refused."
    },
    "ref": {
      "type": "string", "minLength": 1, "maxLength": 256,
      "description": "A branch, tag or commit (A-Z a-z 0-9 . _ / @ { } ^ ~ -, not starting with '-', no '..'): the commit to revert (required for revert), the reset target (default HEAD), the base of diff, where log starts, and for checkout: alone, detach HEAD there (git checkout --detach REF --); with branch, create the branch there (git checkout -b BRANCH REF --); with paths, restore the paths from it (git checkout REF -- PATHS)."
    },
    "branch": {
      "type": "string", "minLength": 1, "maxLength": 256,
      "description": "A branch name (check-ref-format rules, not starting with '-'): for checkout, the branch to switch to (git checkout BRANCH --), or to create at ref; for clone, the branch to check out (--branch); for fetch and pull, the remote branch to get from url."
    },
    "paths": {
      "type": "array", "maxItems": 1024,
      "items": {"type": "string", "minLength": 1, "maxLength": 4096},
      "description": "Paths relative to repo, exact names (no globs or pathspec magic), always passed after '--': limit status, diff, log, commit (commit only these), reset (reset their index entries to ref), clean (clean only these), checkout (restore them from ref, or from the index)."
    },
    "message": {
      "type": "string", "minLength": 1, "maxLength": 65536,
      "description": "The commit message (required for commit), passed as --message=MESSAGE."
    },
    "all": {
      "type": "boolean", "default": false,
      "description": "commit: stage every change to tracked files first (git commit --all); not with paths."
    },
    "mode": {
      "type": "string", "enum": ["soft", "mixed", "hard"], "default": "mixed",
      "description": "reset: soft moves HEAD only, mixed also resets the index, hard also the work tree (--soft, --mixed, --hard); not with paths."
    },
    "author_name": {
      "type": "string", "minLength": 1, "maxLength": 256,
      "description": "commit and revert: the author and committer name, passed as -c user.name=NAME (no '<', '>' or control characters)."
    },
    "author_email": {
      "type": "string", "minLength": 1, "maxLength": 256,
      "description": "commit and revert: the author and committer email, passed as -c user.email=EMAIL."
    },
    "max_count": {
      "type": "integer", "minimum": 1, "maximum": 10000, "default": 20,
      "description": "log: the number of commits to list (--max-count)."
    },
    "force": {
      "type": "boolean", "default": false,
      "description": "clean: required and must be true (git clean -f): untracked files are removed (runtimo undo JOB brings them back)."
    },
    "directories": {
      "type": "boolean", "default": false,
      "description": "clean: remove untracked directories too (-d)."
    },
    "timeout_secs": {
      "type": "integer", "minimum": 1, "maximum": 3600,
      "description": "Seconds before git and every process it started are ended (default: the job's deadline, jobs.default_deadline_ms)."
    }
  }
})";

// Where git will run: the work tree's top level, or for clone the destination.
struct Target {
  std::string cwd;                  // the command's working directory
  std::string top;                  // the work tree's top level, or the clone destination
  std::vector<std::string> writes;  // what a mutating op backs up
};

std::uint32_t access_of(Op op) {
  return mutates(op) ? RT_ACCESS_WRITE : RT_ACCESS_READ;
}

// The nearest directory at or above `dir` holding .git (a directory, or a file naming one).
std::string work_tree_of(const fs::path &dir) {
  for (fs::path p = dir;; p = p.parent_path()) {
    struct stat st {};
    if (::lstat((p / ".git").c_str(), &st) == 0) return p.string();
    if (p == p.root_path() || p.empty()) return {};
  }
}

// repo as the policy sees it, and the work tree it belongs to (validate and execute alike).
rt_status locate(Job &job, Op op, const json::object &args, Target *t) {
  const std::string repo(args.at("repo").as_string());
  std::string resolved;
  if (const rt_status st = job.check_path(repo, access_of(op), &resolved); st != RT_OK) return st;
  struct stat st {};
  if (op == Op::clone) {
    if (::lstat(resolved.c_str(), &st) == 0)
      return job.fail(RT_INVALID_ARGS, "the clone destination " + resolved + " already exists",
                      "give repo a directory that does not exist yet; clone creates it");
    const std::string parent = fs::path(resolved).parent_path().string();
    if (::stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return job.fail(RT_NOT_FOUND,
                      "the parent " + parent + " of the clone destination is not a directory",
                      "create it first");
    *t = Target{parent, resolved, {resolved}};
    return RT_OK;
  }
  if (::stat(resolved.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return job.fail(RT_NOT_FOUND, "repo " + resolved + " is not a directory",
                    "give the work tree of a git repository");
  std::string top = work_tree_of(resolved);
  if (top.empty())
    return job.fail(
        RT_INVALID_ARGS,
        "repo " + resolved + " is not inside a git work tree (no .git in it or above it)",
        "give the work tree of a repository (the directory holding .git), or create one with op "
        "clone");
  if (top != resolved)
    if (const rt_status s = job.check_path(top, access_of(op), &top); s != RT_OK) return s;
  *t = Target{resolved, top, {}};
  if (mutates(op)) t->writes = {top};
  return RT_OK;
}

// Runs a read-only helper; its exit code and stdout (first line) in *exit and *line.
rt_status helper(Job &job, const std::string &cwd, std::initializer_list<const char *> tail,
                 std::int64_t *exit, std::string *line) {
  json::object r;
  if (const rt_status st =
          job.spawn(spawn_request(helper_argv(tail), cwd, {}, kHelperTimeoutMs), 0, &r);
      st != RT_OK)
    return st;
  const auto &code = r.at("exit_code");
  *exit = code.is_int64() ? code.as_int64() : -1;
  const std::string_view out = r.at("stdout").as_string();
  *line = std::string(out.substr(0, out.find('\n')));
  return RT_OK;
}

// git's own view of the repository: its top level, and the git directories when they lie
// outside it (a linked worktree, --separate-git-dir), which a mutating op backs up too.
rt_status resolve_with_git(Job &job, Op op, Target *t) {
  json::object r;
  const auto argv = helper_argv(
      {"rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--git-common-dir"});
  if (const rt_status st = job.spawn(spawn_request(argv, t->cwd, {}, kHelperTimeoutMs), 0, &r);
      st != RT_OK)
    return st;
  const std::string out(r.at("stdout").as_string());
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < out.size();) {
    const auto nl = std::min(out.find('\n', at), out.size());
    lines.push_back(out.substr(at, nl - at));
    at = nl + 1;
  }
  if (!r.at("exit_code").is_int64() || r.at("exit_code").as_int64() != 0 || lines.size() != 3)
    return job.fail(
        RT_INVALID_ARGS,
        "repo " + t->cwd + " is not a git work tree: " + std::string(r.at("stderr").as_string()),
        "give the work tree of a non-bare repository");
  if (lines[0] != t->top)
    if (const rt_status st = job.check_path(lines[0], access_of(op), &t->top); st != RT_OK)
      return st;
  if (!mutates(op)) return RT_OK;
  // Each backed up once: a directory inside another one (the usual .git inside the work tree, a
  // linked worktree's .git/worktrees/NAME inside the common .git) is covered by it.
  std::vector<std::string> dirs{t->top};
  for (std::size_t i = 1; i < 3; ++i)
    dirs.push_back(fs::path(lines[i]).lexically_normal().string());
  const auto within = [](const std::string &inner, const std::string &outer) {
    const auto rel = fs::path(inner).lexically_relative(outer);
    return !rel.empty() && *rel.begin() != "..";  // "." (the same directory) counts
  };
  t->writes.clear();
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    bool covered = false;
    for (std::size_t j = 0; j < dirs.size() && !covered; ++j)
      covered = j != i && within(dirs[i], dirs[j]) && (dirs[i] != dirs[j] || j < i);
    if (!covered) t->writes.push_back(dirs[i]);
  }
  return RT_OK;
}

// {head, branch}: HEAD's commit (null on an unborn branch) and its branch (null when detached).
rt_status read_state(Job &job, const std::string &dir, json::object *state) {
  std::int64_t exit = -1;
  std::string head, branch;
  if (const rt_status st =
          helper(job, dir, {"rev-parse", "-q", "--verify", "HEAD^{commit}"}, &exit, &head);
      st != RT_OK)
    return st;
  const bool has_head = exit == 0 && !head.empty();
  if (const rt_status st =
          helper(job, dir, {"symbolic-ref", "--short", "-q", "HEAD"}, &exit, &branch);
      st != RT_OK)
    return st;
  *state = json::object{
      {"head", has_head ? json::value(head) : json::value(nullptr)},
      {"branch", exit == 0 && !branch.empty() ? json::value(branch) : json::value(nullptr)}};
  return RT_OK;
}

std::string short_head(const json::object &state) {
  const auto &h = state.at("head");
  return h.is_string() ? std::string(h.as_string()).substr(0, 12) : std::string("(none)");
}

// What changed in one line: "HEAD 1a2b3c → 4d5e6f on main, 3 paths changed".
std::string mutation_summary(const json::object &before, const json::object &after,
                             std::size_t changes) {
  std::string s = "HEAD " + short_head(before);
  if (before.at("head") != after.at("head")) s += " -> " + short_head(after);
  const auto &b = after.at("branch");
  s += b.is_string()                  ? " on " + std::string(b.as_string())
       : after.at("head").is_string() ? std::string(" (detached)")
                                      : std::string();
  if (before.at("branch") != after.at("branch") && before.at("branch").is_string())
    s += " (was " + std::string(before.at("branch").as_string()) + ")";
  return s + ", " + std::to_string(changes) + " path(s) changed";
}

struct GitExec {
  static constexpr const char *name = "GitExec";
  static constexpr const char *description =
      "Run one git operation on a work tree: status, diff, log (read-only; status and log parsed), "
      "or clone, pull, fetch, checkout, commit, revert, reset, clean — each backed up first with "
      "its "
      ".git so runtimo undo JOB restores HEAD, the branch, the index and the files. No hooks, "
      "credential helpers, prompts, ext:: or local transports. A non-zero git exit is success: "
      "false. "
      "A dry run shows the command and what would be backed up, and runs nothing.";
  static constexpr const char *schema = kSchema;
  static constexpr std::uint32_t flags = RT_CAP_DESTRUCTIVE | RT_CAP_SPAWNS | RT_CAP_MUTATES_FILES;

  static rt_status validate(Job &job, const json::object &args) {
    const Op op = op_of(args.at("op").as_string());
    check_arguments(op, args);
    sdk::integer_arg(args, "timeout_secs", 1, 3600);
    sdk::integer_arg(args, "max_count", 1, 10000);
    Target t;
    return locate(job, op, args, &t);
  }

  static rt_status execute(Job &job, const json::object &args) {
    const Op op = op_of(args.at("op").as_string());
    Target t;
    if (const rt_status st = locate(job, op, args, &t); st != RT_OK) return st;
    const auto timeout = sdk::integer_arg(args, "timeout_secs", 1, 3600);
    const std::int64_t timeout_ms = timeout ? *timeout * 1000 : 0;
    if (job.dry_run()) return plan(job, op, args, t, timeout_ms);

    if (op != Op::clone)
      if (const rt_status st = resolve_with_git(job, op, &t); st != RT_OK) return st;
    json::object before{{"head", nullptr}, {"branch", nullptr}};
    if (mutates(op) && op != Op::clone)
      if (const rt_status st = read_state(job, t.top, &before); st != RT_OK) return st;

    json::object result;
    if (const rt_status st = job.spawn(request(op, args, t, timeout_ms), 0, &result); st != RT_OK)
      return st;
    if (result.at("cancelled").as_bool())
      return job.fail(RT_CANCELLED, "git " + std::string(name_of(op)) +
                                        " was cancelled; every process it started was ended");
    return report(job, op, t, result, before);
  }

  static json::object request(Op op, const json::object &args, const Target &t,
                              std::int64_t timeout_ms) {
    json::object r = spawn_request(op_argv(op, args, t.top), t.cwd, t.writes, timeout_ms);
    if (timeout_ms == 0) r.erase("timeout_ms");
    return r;
  }

  static rt_status plan(Job &job, Op op, const json::object &args, const Target &t,
                        std::int64_t timeout_ms) {
    json::object p;
    if (const rt_status st = job.spawn(request(op, args, t, timeout_ms), RT_SPAWN_PLAN_ONLY, &p);
        st != RT_OK)
      return st;
    json::object data{{"op", name_of(op)},  {"repo", t.top},
                      {"dry_run", true},    {"argv", p.at("argv")},
                      {"cwd", p.at("cwd")}, {"would_back_up", p.at("writes")},
                      {"plan", p}};
    const bool denied = p.at("denied").as_bool();
    std::string message = std::string(denied ? "Would refuse git " : "Would run git ") +
                          std::string(name_of(op)) + " in " + std::string(p.at("cwd").as_string());
    if (!p.at("writes").as_array().empty())
      message +=
          ", backing up " + std::string(p.at("writes").as_array().at(0).as_string()) + " first";
    return job.output(data, message + "; nothing was run");
  }

  static rt_status report(Job &job, Op op, const Target &t, json::object &result,
                          const json::object &before) {
    const auto &exit = result.at("exit_code");
    const bool timed_out = result.at("timed_out").as_bool();
    const bool success = !timed_out && exit.is_int64() && exit.as_int64() == 0;
    json::object data{
        {"op", name_of(op)},       {"repo", t.top},      {"argv", result.at("argv")},
        {"cwd", result.at("cwd")}, {"exit_code", exit},  {"signal", result.at("signal")},
        {"timed_out", timed_out},  {"success", success}, {"duration_ms", result.at("duration_ms")}};
    for (const char *key : {"stdout", "stderr", "stdout_bytes", "stderr_bytes", "stdout_truncated",
                            "stderr_truncated"})
      data[key] = result.at(key);
    const std::string_view out = result.at("stdout").as_string();
    const bool truncated = result.at("stdout_truncated").as_bool();
    std::string message = "git " + std::string(name_of(op)) +
                          (timed_out         ? " timed out; every process was ended"
                           : exit.is_int64() ? " exited " + std::to_string(exit.as_int64())
                                             : " was killed by a signal");
    if (op == Op::status && success) {
      std::string branch_line;
      Parsed p = parse_status(out, truncated, &branch_line);
      message += ": " + std::to_string(p.items.size()) + " changed or untracked path(s)";
      data["branch_line"] = branch_line;
      data["entries"] = std::move(p.items);
      data["entries_complete"] = p.complete;
    } else if (op == Op::log && success) {
      Parsed p = parse_log(out, truncated);
      message += ": " + std::to_string(p.items.size()) + " commit(s)";
      data["commits"] = std::move(p.items);
      data["commits_complete"] = p.complete;
    }
    if (mutates(op)) {
      json::object after{{"head", nullptr}, {"branch", nullptr}};
      struct stat st {};
      // A clone that failed leaves no destination to read.
      if (::lstat((fs::path(t.top) / ".git").c_str(), &st) == 0)
        if (const rt_status s = read_state(job, t.top, &after); s != RT_OK) return s;
      const std::size_t changes =
          result.contains("changes") ? result.at("changes").as_array().size() : 0;
      message += "; " + mutation_summary(before, after, changes);
      data["changes"] =
          result.contains("changes") ? result.at("changes") : json::value(json::array{});
      data["before"] = before;
      data["after"] = std::move(after);
      data["backed_up"] = json::value_from(t.writes);
      data["backup"] = shared::undo_reference(job);
    }
    if (!success) {
      // git's reason ("fatal: ...", "error: ...") is its last line; progress comes before it.
      std::string_view err = result.at("stderr").as_string();
      while (!err.empty() && err.back() == '\n') err.remove_suffix(1);
      const auto line =
          err.substr(err.rfind('\n') == std::string_view::npos ? 0 : err.rfind('\n') + 1);
      if (!line.empty()) message += " (" + std::string(line.substr(0, 200)) + ")";
    }
    return job.output(data, message);
  }
};

}  // namespace
}  // namespace runtimo::git_exec

RUNTIMO_PLUGIN("git_exec", "1.0.0", ::runtimo::git_exec::GitExec)
