// plugins/git_exec/git_command.cpp — see git_command.hpp.
#include "git_command.hpp"

namespace runtimo::git_exec {
namespace {

namespace json = boost::json;

// The log's fields, unit separated, each commit NUL terminated (-z).
constexpr const char *kLogFormat = "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s";

json::array prefix() {
  // clang-format off
  // (one hardening option a line)
  return json::array{"git",
                     "-c", "credential.helper=",
                     "-c", "core.hooksPath=/dev/null",
                     "-c", "protocol.ext.allow=never",
                     "-c", "protocol.file.allow=never",
                     "-c", "core.fsmonitor=false",
                     "-c", "core.sshCommand=ssh -o BatchMode=yes",
                     "-c", "commit.gpgSign=false",
                     "-c", "submodule.recurse=false",
                     "--literal-pathspecs"};
  // clang-format on
}

std::string text(const json::object &args, std::string_view key) {
  return std::string(args.at(key).as_string());
}
bool flag(const json::object &args, std::string_view key) {
  return args.contains(key) && args.at(key).as_bool();
}

void add_paths(json::array &argv, const json::object &args) {
  argv.emplace_back("--");
  if (const auto *paths = args.if_contains("paths"))
    for (const auto &p : paths->as_array()) argv.push_back(p);
}

// [-- url [branch]] for fetch and pull: without url, the configured upstream.
void add_remote(json::array &argv, const json::object &args) {
  argv.emplace_back("--");
  if (!args.contains("url")) return;
  argv.emplace_back(text(args, "url"));
  if (args.contains("branch")) argv.emplace_back(text(args, "branch"));
}

}  // namespace

json::array helper_argv(std::initializer_list<const char *> tail) {
  json::array argv = prefix();
  for (const char *t : tail) argv.emplace_back(t);
  return argv;
}

json::array op_argv(Op op, const json::object &args, const std::string &target) {
  json::array argv = prefix();
  // The identity goes before the subcommand, like the prefix: commit and revert make commits.
  if (args.contains("author_name"))
    argv.insert(argv.end(), {"-c", json::string("user.name=" + text(args, "author_name"))});
  if (args.contains("author_email"))
    argv.insert(argv.end(), {"-c", json::string("user.email=" + text(args, "author_email"))});
  const auto add = [&argv](std::initializer_list<json::value_ref> more) {
    argv.insert(argv.end(), more);
  };
  switch (op) {
    case Op::status:
      add({"status", "--porcelain=v1", "-z", "--branch"});
      add_paths(argv, args);
      break;
    case Op::diff:
      add({"diff", "--no-color", "--no-ext-diff", "--no-textconv"});
      if (args.contains("ref")) add({json::string(text(args, "ref"))});
      add_paths(argv, args);
      break;
    case Op::log: {
      const std::int64_t n = args.contains("max_count") ? args.at("max_count").as_int64() : 20;
      add({"log", "--no-color", "-z", kLogFormat,
           json::string("--max-count=" + std::to_string(n))});
      if (args.contains("ref")) add({json::string(text(args, "ref"))});
      add_paths(argv, args);
      break;
    }
    case Op::clone:
      add({"clone", "--no-recurse-submodules"});
      if (args.contains("branch")) add({json::string("--branch=" + text(args, "branch"))});
      add({"--", json::string(text(args, "url")), json::string(target)});
      break;
    case Op::pull:
      add({"pull", "--ff-only", "--no-rebase", "--no-recurse-submodules"});
      add_remote(argv, args);
      break;
    case Op::fetch:
      add({"fetch", "--no-recurse-submodules"});
      add_remote(argv, args);
      break;
    case Op::checkout:
      add({"checkout"});
      if (args.contains("paths")) {  // restore them: from ref, or from the index
        if (args.contains("ref")) add({json::string(text(args, "ref"))});
        add_paths(argv, args);
      } else if (args.contains("branch")) {  // switch; with ref, create the branch there
        if (args.contains("ref"))
          add({"-b", json::string(text(args, "branch")), json::string(text(args, "ref")), "--"});
        else
          add({json::string(text(args, "branch")), "--"});
      } else {
        add({"--detach", json::string(text(args, "ref")), "--"});
      }
      break;
    case Op::commit:
      add({"commit", json::string("--message=" + text(args, "message"))});
      if (flag(args, "all")) add({"--all"});
      add_paths(argv, args);
      break;
    case Op::revert:
      add({"revert", "--no-edit", json::string(text(args, "ref")), "--"});
      break;
    case Op::reset:
      add({"reset"});
      if (!args.contains("paths"))
        add({json::string("--" +
                          (args.contains("mode") ? text(args, "mode") : std::string("mixed")))});
      add({json::string(args.contains("ref") ? text(args, "ref") : std::string("HEAD"))});
      add_paths(argv, args);
      break;
    case Op::clean:
      add({"clean", "-f"});
      if (flag(args, "directories")) add({"-d"});
      add_paths(argv, args);
      break;
  }
  return argv;
}

json::object spawn_request(json::array argv, const std::string &cwd,
                           const std::vector<std::string> &writes, std::int64_t timeout_ms) {
  json::object env{{"GIT_TERMINAL_PROMPT", "0"},
                   {"GIT_ASKPASS", ""},
                   {"SSH_ASKPASS", ""},
                   {"GIT_CONFIG_NOSYSTEM", "1"},
                   {"GIT_CONFIG_GLOBAL", "/dev/null"},
                   {"GIT_EDITOR", "true"},
                   {"GIT_MERGE_AUTOEDIT", "no"},
                   {"LC_ALL", "C"}};
  json::object r{{"argv", std::move(argv)}, {"cwd", cwd}, {"timeout_ms", timeout_ms}};
  if (writes.empty()) {
    env["GIT_OPTIONAL_LOCKS"] = "0";
  } else {
    json::array w;
    for (const auto &p : writes) w.emplace_back(p);
    r["writes"] = std::move(w);
  }
  r["env"] = std::move(env);
  return r;
}

}  // namespace runtimo::git_exec
