// plugins/git_exec/git_inputs.cpp — see git_inputs.hpp.
#include "git_inputs.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace runtimo::git_exec {
namespace {

using sdk::Error;

struct OpRules {
  Op op;
  std::string_view name;
  bool mutates;
  std::vector<std::string_view> takes;  // besides op, repo and timeout_secs
};

const std::array<OpRules, 11> &rules() {
  static const std::array<OpRules, 11> table{{
      {Op::status, "status", false, {"paths"}},
      {Op::diff, "diff", false, {"ref", "paths"}},
      {Op::log, "log", false, {"ref", "max_count", "paths"}},
      {Op::clone, "clone", true, {"url", "branch"}},
      {Op::pull, "pull", true, {"url", "branch"}},
      {Op::fetch, "fetch", true, {"url", "branch"}},
      {Op::checkout, "checkout", true, {"branch", "ref", "paths"}},
      {Op::commit, "commit", true, {"message", "all", "paths", "author_name", "author_email"}},
      {Op::revert, "revert", true, {"ref", "author_name", "author_email"}},
      {Op::reset, "reset", true, {"ref", "mode", "paths"}},
      {Op::clean, "clean", true, {"force", "directories", "paths"}},
  }};
  return table;
}

const OpRules &rules_of(Op op) {
  return *std::find_if(rules().begin(), rules().end(),
                       [op](const OpRules &r) { return r.op == op; });
}

// The value as an error message shows it: quoted, cut when long.
std::string shown(std::string_view v) {
  std::string s(v.substr(0, 120));
  if (v.size() > 120) s += "...";
  return "\"" + s + "\"";
}

bool blank_or_control(unsigned char c) {
  return c <= 0x20 || c == 0x7f;
}
bool has_blank_or_control(std::string_view v) {
  return std::any_of(v.begin(), v.end(),
                     [](char c) { return blank_or_control(static_cast<unsigned char>(c)); });
}
bool has_control(std::string_view v) {
  return std::any_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}
bool starts_with_ci(std::string_view v, std::string_view prefix) {
  return v.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), v.begin(), [](char p, char c) {
           return std::tolower(static_cast<unsigned char>(c)) == p;
         });
}

constexpr const char *kUrlHint =
    "give an https://host/path, ssh://[user@]host/path or user@host:path URL";

// `<scheme>::` (ext::, fd::, anything::) makes git run the remote helper git-remote-<scheme>.
bool names_remote_helper(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '+' ||
                            url[i] == '.' || url[i] == '-'))
    ++i;
  return i > 0 && url.substr(i).starts_with("::");
}

// The host of "[user[:password]@]host[:port][/path]", with the user checked on the way.
void check_authority(std::string_view url, std::string_view rest) {
  const std::string_view authority = rest.substr(0, rest.find('/'));
  const auto at = authority.rfind('@');
  const std::string_view user =
      at == std::string_view::npos ? std::string_view{} : authority.substr(0, at);
  const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.empty() || host.front() == ':')
    throw Error(RT_INVALID_ARGS, "url " + shown(url) + " names no host", kUrlHint);
  if (host.front() == '-' || user.starts_with("-"))
    throw Error(RT_INVALID_ARGS,
                "url " + shown(url) +
                    " has a host or user starting with \"-\", which ssh would read as an option",
                kUrlHint);
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool boolean(const boost::json::object &args, std::string_view key) {
  const auto *v = args.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

void check_identity(std::string_view key, std::string_view value) {
  if (value.empty() || has_control(value) || value.find_first_of("<>") != std::string_view::npos)
    throw Error(RT_INVALID_ARGS,
                "\"" + std::string(key) + "\" " + shown(value) +
                    " is not a usable identity: it must be non-empty, without '<', '>' or control "
                    "characters",
                "e.g. author_name: \"Ada Lovelace\", author_email: \"ada@example.com\"");
}

}  // namespace

Op op_of(std::string_view name) {
  for (const auto &r : rules())
    if (r.name == name) return r.op;
  throw Error(RT_INVALID_ARGS, "unknown op " + shown(name),
              "ops: status, diff, log, clone, pull, fetch, checkout, commit, revert, reset, clean");
}
std::string_view name_of(Op op) {
  return rules_of(op).name;
}
bool mutates(Op op) {
  return rules_of(op).mutates;
}

void check_url(std::string_view url) {
  if (url.empty()) throw Error(RT_INVALID_ARGS, "url is empty", kUrlHint);
  if (url.front() == '-')
    throw Error(RT_INVALID_ARGS,
                "url " + shown(url) + " starts with \"-\" and git would read it as an option",
                kUrlHint);
  if (names_remote_helper(url))
    throw Error(RT_INVALID_ARGS,
                "url " + shown(url) +
                    " names a git remote helper (\"<transport>::\", e.g. ext::), which runs "
                    "commands: refused",
                kUrlHint);
  if (starts_with_ci(url, "file:"))
    throw Error(
        RT_INVALID_ARGS,
        "url " + shown(url) +
            " is a file:// URL: GitExec refuses local repositories (protocol.file.allow=never)",
        std::string(kUrlHint) +
            "; a local repository cannot be cloned, fetched or pulled with GitExec");
  if (has_blank_or_control(url))
    throw Error(RT_INVALID_ARGS,
                "url " + shown(url) + " contains whitespace or a control character", kUrlHint);
  for (std::string_view scheme : {"https://", "ssh://"})
    if (starts_with_ci(url, scheme)) return check_authority(url, url.substr(scheme.size()));
  if (url.find("://") != std::string_view::npos)
    throw Error(
        RT_INVALID_ARGS,
        "url " + shown(url) +
            " uses a scheme GitExec does not allow: only https:// and ssh:// (and user@host:path)",
        kUrlHint);
  if (url.front() == '/' || url.front() == '.' || url.front() == '~')
    throw Error(
        RT_INVALID_ARGS,
        "url " + shown(url) +
            " is a local path: GitExec refuses local repositories (protocol.file.allow=never)",
        std::string(kUrlHint) +
            "; a local repository cannot be cloned, fetched or pulled with GitExec");
  // scp-like user@host:path. Git takes it for a local path when a '/' comes before the ':'.
  const auto colon = url.find(':');
  const auto at = url.find('@');
  const bool scp = colon != std::string_view::npos && at != std::string_view::npos && at < colon &&
                   url.substr(0, colon).find('/') == std::string_view::npos;
  if (!scp)
    throw Error(RT_INVALID_ARGS,
                "url " + shown(url) + " is not an https://, ssh:// or user@host:path URL",
                kUrlHint);
  const std::string_view user = url.substr(0, at), host = url.substr(at + 1, colon - at - 1),
                         path = url.substr(colon + 1);
  if (user.empty() || host.empty() || !std::all_of(user.begin(), user.end(), name_char) ||
      !std::all_of(host.begin(), host.end(), name_char))
    throw Error(
        RT_INVALID_ARGS,
        "url " + shown(url) +
            ": the user and host of user@host:path may hold only letters, digits, '.', '_' and '-'",
        kUrlHint);
  if (user.front() == '-' || host.front() == '-' || path.empty() || path.front() == '-' ||
      path.front() == ':')
    throw Error(RT_INVALID_ARGS,
                "url " + shown(url) +
                    ": the user, host and path of user@host:path must be non-empty and must not "
                    "start with \"-\"",
                kUrlHint);
}

void check_ref(std::string_view key, std::string_view ref) {
  const std::string hint =
      "give a branch, tag or commit (e.g. main, v1.2, HEAD~1, 3f2a9c1) of the characters A-Z a-z "
      "0-9 . _ / @ { } ^ ~ -";
  const std::string what = "\"" + std::string(key) + "\" " + shown(ref);
  if (ref.empty()) throw Error(RT_INVALID_ARGS, what + " is empty", hint);
  if (ref.front() == '-')
    throw Error(RT_INVALID_ARGS, what + " starts with \"-\" and git would read it as an option",
                hint);
  if (ref.size() > 256) throw Error(RT_INVALID_ARGS, what + " is longer than 256 bytes", hint);
  const auto bad = std::find_if_not(ref.begin(), ref.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("._/@{}^~-").find(c) != std::string_view::npos;
  });
  if (bad != ref.end())
    throw Error(RT_INVALID_ARGS,
                what + " contains the character " + shown(std::string_view(&*bad, 1)) +
                    ", which no safe ref holds",
                hint);
  if (ref.find("..") != std::string_view::npos)
    throw Error(RT_INVALID_ARGS, what + " contains \"..\": ranges are not refs", hint);
}

void check_branch(std::string_view branch) {
  check_ref("branch", branch);
  const std::string hint = "give a branch name like main or feature/login (check-ref-format rules)";
  const auto is_plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '/' ||
           c == '-';
  };
  if (!std::all_of(branch.begin(), branch.end(), is_plain) || branch.front() == '/' ||
      branch.front() == '.' || branch.back() == '/' || branch.back() == '.' ||
      branch.ends_with(".lock") || branch.find("//") != std::string_view::npos ||
      branch.find("/.") != std::string_view::npos)
    throw Error(RT_INVALID_ARGS, "\"branch\" " + shown(branch) + " is not a valid branch name",
                hint);
}

void check_arguments(Op op, const boost::json::object &args) {
  const OpRules &r = rules_of(op);
  for (const auto &[key, value] : args) {
    if (key == "op" || key == "repo" || key == "timeout_secs") continue;
    if (std::find(r.takes.begin(), r.takes.end(), std::string_view(key)) == r.takes.end()) {
      std::string list;
      for (const auto k : r.takes) list += (list.empty() ? "" : ", ") + std::string(k);
      throw Error(RT_INVALID_ARGS,
                  "\"" + std::string(key) + "\" is not an argument of op " + std::string(r.name),
                  "op " + std::string(r.name) + " takes repo, timeout_secs" +
                      (list.empty() ? "" : " and " + list));
    }
  }
  const auto text = [&](std::string_view key) {
    return std::string_view(args.at(key).as_string());
  };
  if (args.contains("url")) check_url(text("url"));
  if (args.contains("ref")) check_ref("ref", text("ref"));
  if (args.contains("branch")) check_branch(text("branch"));
  for (const char *key : {"author_name", "author_email"})
    if (args.contains(key)) check_identity(key, text(key));
  if (const auto *paths = args.if_contains("paths"))
    for (const auto &p : paths->as_array())
      if (p.as_string().empty() ||
          std::string_view(p.as_string()).find('\0') != std::string_view::npos)
        throw Error(RT_INVALID_ARGS, "\"paths\" holds an empty path or one with a NUL byte",
                    "give paths relative to repo, e.g. [\"src/main.c\"]");
  if (args.contains("message") &&
      std::string_view(args.at("message").as_string()).find('\0') != std::string_view::npos)
    throw Error(RT_INVALID_ARGS, "\"message\" contains a NUL byte",
                "give the commit message as plain text");

  switch (op) {
    case Op::clone:
      if (!args.contains("url")) throw Error(RT_INVALID_ARGS, "op clone needs url", kUrlHint);
      break;
    case Op::pull:
    case Op::fetch:
      if (args.contains("branch") && !args.contains("url"))
        throw Error(RT_INVALID_ARGS, "\"branch\" with op " + std::string(r.name) + " needs url too",
                    "give url and branch, or neither to use the branch's configured upstream");
      break;
    case Op::checkout:
      if (!args.contains("branch") && !args.contains("ref") && !args.contains("paths"))
        throw Error(RT_INVALID_ARGS, "op checkout needs branch, ref or paths",
                    "branch: switch to it (with ref: create it at ref); ref: detach HEAD there; "
                    "paths: restore them (from ref, or from the index)");
      if (args.contains("branch") && args.contains("paths"))
        throw Error(RT_INVALID_ARGS, "op checkout takes branch or paths, not both",
                    "to restore paths from a branch, give it as ref");
      break;
    case Op::commit:
      if (!args.contains("message"))
        throw Error(RT_INVALID_ARGS, "op commit needs message", "e.g. message: \"Fix the parser\"");
      if (boolean(args, "all") && args.contains("paths"))
        throw Error(RT_INVALID_ARGS, "op commit takes all or paths, not both",
                    "all: true commits every tracked change; paths commits only those");
      break;
    case Op::revert:
      if (!args.contains("ref"))
        throw Error(RT_INVALID_ARGS, "op revert needs ref, the commit to revert",
                    "e.g. ref: \"HEAD\" or a commit id");
      break;
    case Op::reset:
      if (args.contains("mode") && args.contains("paths"))
        throw Error(
            RT_INVALID_ARGS, "op reset takes mode or paths, not both",
            "paths resets only their index entries (git reset REF -- PATHS); mode moves HEAD");
      break;
    case Op::clean:
      if (!boolean(args, "force"))
        throw Error(RT_INVALID_ARGS, "op clean removes untracked files and needs force: true",
                    "pass force: true (and directories: true for untracked directories); runtimo "
                    "undo JOB brings them back");
      break;
    default:
      break;
  }
}

}  // namespace runtimo::git_exec
