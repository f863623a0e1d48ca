// exec/spawn_plan.cpp — see spawn_plan.hpp.
#include "exec/spawn_plan.hpp"

#include "config/settings.hpp"
#include "exec/host_call_support.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>

extern char **environ;

namespace runtimo::exec {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxArgs = 4096;
constexpr const char *kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

[[noreturn]] void refuse(std::string message, std::string hint = {}, rt_status status = RT_INVALID_ARGS) {
  throw SpawnRefusal{status, std::move(message), std::move(hint)};
}

bool valid_env_name(std::string_view n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool allowed_by(const std::vector<std::string> &allow, std::string_view name) {
  for (const auto &a : allow) {
    if (!a.empty() && a.back() == '*' ? name.starts_with(std::string_view(a).substr(0, a.size() - 1)) : name == a) return true;
  }
  return false;
}

std::string text_member(const json::object &o, const char *key) {
  const auto *v = o.if_contains(key);
  if (v == nullptr) return {};
  if (!v->is_string()) refuse(std::string("\"") + key + "\" must be a string");
  return std::string(v->get_string());
}

std::vector<std::string> string_array(const json::object &o, const char *key) {
  std::vector<std::string> out;
  const auto *v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array()) refuse(std::string("\"") + key + "\" must be an array of strings");
  for (const auto &e : v->get_array()) {
    if (!e.is_string()) refuse(std::string("\"") + key + "\" must be an array of strings");
    const std::string s(e.get_string());
    if (s.find('\0') != std::string::npos) refuse(std::string("an element of \"") + key + "\" contains a NUL byte");
    out.push_back(s);
  }
  return out;
}

// The environment: the runtime's variables the allow-list names (or the request inherits by
// name), then the request's additions, then PWD.
std::map<std::string, std::string> build_env(const config::SpawnSettings &settings, const json::object &request, const std::string &cwd) {
  std::map<std::string, std::string> env;
  const auto inherit = string_array(request, "inherit_env");
  for (char **e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(entry.substr(0, eq));
    if (name.starts_with("RUNTIMO_")) continue;  // the runtime's own settings and the spawn marker
    if (allowed_by(settings.env_allow, name) || std::find(inherit.begin(), inherit.end(), name) != inherit.end())
      env[name] = std::string(entry.substr(eq + 1));
  }
  if (const auto *v = request.if_contains("env")) {
    if (!v->is_object()) refuse("\"env\" must be an object of NAME: value strings", "e.g. {\"env\": {\"LANG\": \"C.UTF-8\"}}");
    for (const auto &[k, value] : v->get_object()) {
      if (!valid_env_name(k)) refuse("\"" + std::string(k) + "\" is not an environment variable name", "names are [A-Za-z_][A-Za-z0-9_]*");
      if (!value.is_string()) refuse("the value of env." + std::string(k) + " must be a string");
      const std::string s(value.get_string());
      if (s.find('\0') != std::string::npos) refuse("the value of env." + std::string(k) + " contains a NUL byte");
      env[std::string(k)] = s;
    }
  }
  env["PWD"] = cwd;
  return env;
}

bool executable_file(const std::string &path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// argv[0] as execvp would find it, on the child's PATH; relative paths against the cwd.
std::string find_executable(const std::string &name, const std::string &cwd, const std::map<std::string, std::string> &env) {
  if (name.empty()) refuse("argv[0] is empty", "name the program to run, e.g. [\"ls\", \"-l\"]");
  if (name.find('/') != std::string::npos) {
    const std::string path = name.front() == '/' ? name : cwd + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) refuse("no program " + path, "check the path of argv[0]", RT_NOT_FOUND);
    if (!executable_file(path)) refuse(path + " is not an executable regular file", "check the path and its mode", RT_DENIED);
    return path;
  }
  const auto it = env.find("PATH");
  const std::string search = it != env.end() ? it->second : kDefaultPath;
  std::size_t start = 0;
  while (start <= search.size()) {
    const std::size_t colon = std::min(search.find(':', start), search.size());
    std::string dir = search.substr(start, colon - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = (dir.front() == '/' ? dir : cwd + "/" + dir) + "/" + name;
    if (executable_file(candidate)) return candidate;
    start = colon + 1;
  }
  refuse("no program named \"" + name + "\" on the PATH " + search,
         "give its absolute path, or add its directory to the command's PATH (env)", RT_NOT_FOUND);
}

std::string basename_of(const std::string &path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The deny-list's verdict on the program as invoked, as found and as resolved.
std::string deny_reason(const std::vector<std::string> &deny, const std::vector<std::string> &names) {
  for (const auto &name : names)
    for (const auto &d : deny)
      if (d.back() == '*' ? name.starts_with(std::string_view(d).substr(0, d.size() - 1)) : name == d)
        return "the program " + name + " is on the spawn deny-list (\"" + d + "\")";
  return {};
}

std::int64_t integer_member(const json::object &o, const char *key, std::int64_t min, std::int64_t max, std::int64_t fallback) {
  const auto *v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (!v->is_int64() && !v->is_uint64()) refuse(std::string("\"") + key + "\" must be an integer");
  const std::int64_t n = v->is_int64() ? v->get_int64() : static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), INT64_MAX));
  if (n < min || n > max)
    refuse(std::string("\"") + key + "\" is " + std::to_string(n) + ": it must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

}  // namespace

SpawnPlan plan_spawn(Job &job, const json::object &request) {
  static const config::SpawnSettings kDefaults;
  const config::SpawnSettings &settings = job.services->spawn != nullptr ? *job.services->spawn : kDefaults;
  for (const auto &[k, v] : request) {
    static const char *const known[] = {"argv", "cwd", "env", "inherit_env", "stdin", "timeout_ms", "max_output_bytes", "detach", "writes"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char *n) { return k == n; }))
      refuse("unknown member \"" + std::string(k) + "\" in the spawn request",
             "the members are argv, cwd, env, inherit_env, stdin, timeout_ms, max_output_bytes, detach, writes");
  }
  SpawnPlan plan;
  plan.argv = string_array(request, "argv");
  if (plan.argv.empty()) refuse("\"argv\" must hold the program and its arguments", "e.g. [\"ls\", \"-l\"]");
  if (plan.argv.size() > kMaxArgs) refuse("\"argv\" has " + std::to_string(plan.argv.size()) + " elements; at most 4096");

  const std::string cwd_text = request.contains("cwd") ? text_member(request, "cwd") : job.working_dir;
  std::string cwd;
  if (check_job_path(job, cwd_text, RT_ACCESS_READ, cwd) != RT_OK) {
    std::lock_guard lock(job.mutex);
    throw SpawnRefusal{job.error_status, "cwd: " + job.error_message, job.error_hint};
  }
  struct stat st {};
  if (::stat(cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    refuse("cwd " + cwd + " is not a directory", "give an existing directory", RT_NOT_FOUND);
  plan.cwd = cwd;

  const auto env = build_env(settings, request, cwd);
  for (const auto &[k, v] : env) {
    plan.env.push_back(k + "=" + v);
    plan.env_names.push_back(k);
  }
  plan.executable = find_executable(plan.argv.front(), cwd, env);
  char real[PATH_MAX];
  plan.resolved_executable = ::realpath(plan.executable.c_str(), real) != nullptr ? std::string(real) : plan.executable;
  plan.deny_reason = deny_reason(settings.deny_programs,
                                 {basename_of(plan.argv.front()), basename_of(plan.executable), basename_of(plan.resolved_executable)});

  if (request.contains("stdin")) plan.stdin_data = text_member(request, "stdin");
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(job.deadline - std::chrono::steady_clock::now());
  // What the job has left, less the time to end the command and report.
  const auto room = std::max<std::int64_t>(1, remaining.count() - static_cast<std::int64_t>(settings.kill_grace_ms) - 500);
  plan.timeout = std::chrono::milliseconds(std::min(integer_member(request, "timeout_ms", 1, 86400000, room), room));
  plan.max_output_bytes = static_cast<std::uint64_t>(
      integer_member(request, "max_output_bytes", 0, 1ll << 30, static_cast<std::int64_t>(settings.max_output_bytes)));
  if (const auto *d = request.if_contains("detach")) {
    if (!d->is_bool()) refuse("\"detach\" must be true or false");
    plan.detach = d->get_bool();
  }
  for (const auto &w : string_array(request, "writes")) {
    std::string resolved;
    if (check_job_path(job, w, RT_ACCESS_WRITE | RT_ACCESS_ENTRY, resolved) != RT_OK) {
      std::lock_guard lock(job.mutex);
      throw SpawnRefusal{job.error_status, "writes: " + job.error_message, job.error_hint};
    }
    plan.writes.push_back(resolved);
  }
  return plan;
}

json::object to_json(const SpawnPlan &plan) {
  json::array argv, names, writes;
  for (const auto &a : plan.argv) argv.emplace_back(a);
  for (const auto &n : plan.env_names) names.emplace_back(n);
  for (const auto &w : plan.writes) writes.emplace_back(w);
  return json::object{{"executable", plan.executable},
                      {"resolved_executable", plan.resolved_executable},
                      {"argv", std::move(argv)},
                      {"cwd", plan.cwd},
                      {"env_names", std::move(names)},
                      {"timeout_ms", plan.timeout.count()},
                      {"max_output_bytes", plan.max_output_bytes},
                      {"detach", plan.detach},
                      {"writes", std::move(writes)},
                      {"denied", !plan.deny_reason.empty()},
                      {"deny_reason", plan.deny_reason.empty() ? json::value(nullptr) : json::value(plan.deny_reason)}};
}

}  // namespace runtimo::exec
