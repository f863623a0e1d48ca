// policy_protected_set.cpp — the built-in protected set: secrets in /proc for every pid and
// thread (the runtime's own included), kernel memory, system secrets, credentials below every
// passwd home and /root, dotenv files anywhere. It applies with an empty configuration,
// configuration only extends it, and configured readable exceptions never open a built-in rule.
// A write prefix of "/" is refused.
#define BOOST_TEST_MODULE policy_protected_set
#include <boost/test/unit_test.hpp>

#include "policy/builtin_protected.hpp"
#include "policy/path_policy.hpp"
#include "temp_dir.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using runtimo::policy::PathPolicy;
using runtimo::policy::PathRules;
using runtimo::policy::RuleError;
using runtimo::test::TempDir;

namespace {

void write_file(const fs::path &p, const std::string &text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// A policy with nothing configured, "~" being `home`.
PathPolicy bare_policy(const fs::path &home = {}) {
  PathRules r;
  r.home = home;
  return PathPolicy(r);
}

bool readable(const PathPolicy &policy, const std::string &path) {
  return policy.check(path, RT_ACCESS_READ, "/").ok();
}

void expect_refused(const PathPolicy &policy, const std::string &path,
                    std::uint32_t access = RT_ACCESS_READ) {
  const auto d = policy.check(path, access, "/");
  BOOST_TEST(d.status == RT_DENIED, path << ": " << d.message);
  BOOST_TEST(contains(d.message, "is protected"), d.message);
  BOOST_TEST(contains(d.hint, "built-in protected set"), d.hint);
}

const char *const kProcessSecrets[] = {"environ", "mem",     "auxv",       "syscall",
                                       "stack",   "pagemap", "personality"};

// A `sleep` child, killed and reaped when the test ends.
struct SleepChild {
  pid_t pid = ::fork();
  SleepChild() {
    if (pid == 0) {
      ::execl("/bin/sleep", "sleep", "30", static_cast<char *>(nullptr));
      ::_exit(127);
    }
  }
  ~SleepChild() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(process_secrets_are_protected_for_another_process_and_its_threads) {
  const PathPolicy policy = bare_policy();
  const SleepChild child;
  const std::string dir = "/proc/" + std::to_string(child.pid);
  for (const char *name : kProcessSecrets) {
    expect_refused(policy, dir + "/" + name);
    expect_refused(policy, dir + "/task/" + std::to_string(child.pid) + "/" + name);
    expect_refused(policy, dir + "/" + name, RT_ACCESS_WRITE);
  }
  // What process listings show stays readable.
  BOOST_TEST(readable(policy, dir + "/status"));
  BOOST_TEST(readable(policy, dir + "/stat"));
  BOOST_TEST(readable(policy, dir + "/cmdline"));
}

BOOST_AUTO_TEST_CASE(the_runtimes_own_secrets_are_protected_through_self_and_thread_self) {
  const PathPolicy policy = bare_policy();
  std::string tid;
  std::thread([&] { tid = std::to_string(::syscall(SYS_gettid)); }).join();
  for (const char *name : kProcessSecrets) {
    expect_refused(policy, std::string("/proc/self/") + name);
    expect_refused(policy, std::string("/proc/thread-self/") + name);
    expect_refused(policy, "/proc/" + std::to_string(::getpid()) + "/" + name);
    expect_refused(policy, "/proc/self/task/" + std::to_string(::getpid()) + "/" + name);
  }
  // A path that only reaches the file through ".." or the root link is judged where it lands.
  expect_refused(policy, "/proc/self/task/../environ");
  expect_refused(policy, "/proc/self/root/proc/self/environ");
  BOOST_TEST(readable(policy, "/proc/self/status"));
}

BOOST_AUTO_TEST_CASE(kernel_memory_and_system_secrets_are_protected) {
  const PathPolicy policy = bare_policy();
  for (const char *path :
       {"/proc/kcore", "/proc/kmsg", "/proc/kpageflags", "/proc/kpagecount", "/proc/vmcore",
        "/dev/mem", "/dev/kmem", "/dev/port", "/etc/shadow", "/etc/shadow-", "/etc/gshadow",
        "/etc/gshadow-", "/etc/security/opasswd", "/etc/ssh/ssh_host_ed25519_key",
        "/etc/ssl/private/server.key", "/etc/ssl/private/deep/er.key"})
    expect_refused(policy, path);
  BOOST_TEST(readable(policy, "/etc/ssh/ssh_host_ed25519_key.pub"));
  BOOST_TEST(readable(policy, "/etc/passwd"));
  BOOST_TEST(readable(policy, "/proc/meminfo"));
}

BOOST_AUTO_TEST_CASE(credentials_below_every_passwd_home_and_root_are_protected) {
  const PathPolicy policy = bare_policy();
  std::vector<std::string> homes;
  for (const auto &home : runtimo::policy::passwd_homes()) homes.push_back(home.dir);
  BOOST_TEST(std::count(homes.begin(), homes.end(), "/root") == 1);
  if (const passwd *pw = ::getpwuid(::geteuid()))
    BOOST_TEST(std::count(homes.begin(), homes.end(), std::string(pw->pw_dir)) == 1);
  ::setpwent();
  while (const passwd *pw = ::getpwent())
    BOOST_TEST(std::count(homes.begin(), homes.end(), std::string(pw->pw_dir)) == 1, pw->pw_name);
  ::endpwent();
  for (const std::string &home : homes) {
    const std::string h = home == "/" ? "" : home;
    for (const char *file :
         {"/.ssh/id_rsa", "/.ssh/id_ed25519", "/.ssh/config", "/.gnupg/private-keys-v1.d/k.key",
          "/.aws/credentials", "/.aws/config", "/.docker/config.json", "/.kube/config",
          "/.git-credentials", "/.config/git/credentials", "/.netrc", "/.pgpass", "/.npmrc",
          "/.pypirc", "/.config/gh/hosts.yml", "/.config/gcloud/credentials.db",
          "/.config/gcloud/legacy_credentials/a@b/adc.json"})
      expect_refused(policy, h + file);
    for (const char *file : {"/.ssh/id_rsa.pub", "/.ssh/known_hosts", "/.ssh/authorized_keys"})
      BOOST_TEST(readable(policy, h + file), h + file);
    expect_refused(policy, h + "/.ssh/authorized_keys", RT_ACCESS_WRITE);
  }
  // Homes below /home that passwd does not list.
  expect_refused(policy, "/home/not-in-passwd/.ssh/id_rsa");
  expect_refused(policy, "/home/not-in-passwd/.aws/credentials");
}

BOOST_AUTO_TEST_CASE(a_public_key_name_does_not_open_what_lies_below_a_protected_directory) {
  TempDir dir;
  const fs::path home = fs::canonical(dir.path());
  const PathPolicy policy = bare_policy(home);
  expect_refused(policy, (home / ".ssh" / "keys" / "id_rsa.pub").string());
  expect_refused(policy, (home / ".ssh" / "known_hosts" / "id_rsa").string());
}

BOOST_AUTO_TEST_CASE(dotenv_files_are_protected_anywhere_and_templates_stay_readable) {
  TempDir dir;
  const fs::path project = fs::canonical(dir.path());
  const PathPolicy policy = bare_policy();
  for (const char *name : {".env", ".env.local", ".env.production", ".envrc"}) {
    expect_refused(policy, (project / name).string());
    expect_refused(policy, (project / "deep" / "er" / name).string(), RT_ACCESS_WRITE);
  }
  for (const char *name : {".env.example", ".env.sample", ".env.template"}) {
    BOOST_TEST(readable(policy, (project / name).string()), name);
    expect_refused(policy, (project / name).string(), RT_ACCESS_WRITE);
  }
  // A directory named .env is a Python virtualenv, not a dotenv file: its files are readable.
  write_file(project / ".env" / "bin" / "activate", "# venv");
  BOOST_TEST(readable(policy, (project / ".env" / "bin" / "activate").string()));
  BOOST_TEST(readable(policy, (project / "env.txt").string()));
}

BOOST_AUTO_TEST_CASE(configuration_extends_the_set_and_its_exceptions_stay_its_own) {
  TempDir dir;
  const fs::path root = fs::canonical(dir.path());
  PathRules r;
  r.home = root / "home";
  r.protected_patterns = {(root / "vault" / "*").string()};
  r.readable_exceptions = {"*"};  // as wide as it gets: for the configured pattern only
  const PathPolicy policy(r);
  BOOST_TEST(readable(policy, (root / "vault" / "x").string()));
  const auto w = policy.check((root / "vault" / "x").string(), RT_ACCESS_WRITE, "/");
  BOOST_TEST(w.status == RT_DENIED);
  BOOST_TEST(w.hint == "protected paths are listed in the config under paths.protected");
  for (const std::string &path :
       {std::string("/etc/shadow"), (r.home / ".ssh" / "id_rsa").string(),
        (root / "app" / ".env").string(), std::string("/proc/self/environ")})
    expect_refused(policy, path);
}

BOOST_AUTO_TEST_CASE(a_credential_directory_linked_elsewhere_is_protected_at_its_target) {
  TempDir dir;
  const fs::path root = fs::canonical(dir.path());
  const fs::path home = root / "home";
  write_file(root / "dotfiles" / "aws" / "credentials", "[default]");
  write_file(root / "dotfiles" / "netrc", "machine x password y");
  fs::create_directories(home);
  fs::create_directory_symlink(root / "dotfiles" / "aws", home / ".aws");
  fs::create_symlink(root / "dotfiles" / "netrc", home / ".netrc");
  const PathPolicy policy = bare_policy(home);
  expect_refused(policy, (root / "dotfiles" / "aws" / "credentials").string());
  expect_refused(policy, (root / "dotfiles" / "netrc").string());
  expect_refused(policy, (home / ".netrc").string());
}

BOOST_AUTO_TEST_CASE(a_write_prefix_that_is_or_resolves_to_root_is_refused) {
  TempDir dir;
  const fs::path root = fs::canonical(dir.path());
  fs::create_directory_symlink("/", root / "everything");
  for (const std::string &prefix : {std::string("/"), std::string("/tmp/.."),
                                    (root / "everything").string(), std::string("~")}) {
    PathRules r;
    r.write_prefixes = {prefix};
    r.home = "/";  // a user whose passwd home is "/"
    try {
      PathPolicy{r};
      BOOST_FAIL("write prefix " << prefix << " was accepted");
    } catch (const RuleError &e) {
      BOOST_TEST(contains(e.what(), "\"" + prefix + "\" resolves to /"), e.what());
      BOOST_TEST(contains(e.hint(), "paths.write_prefixes"), e.hint());
    }
  }
  // Reading everywhere stays the default: a read prefix of "/" is harmless.
  PathRules r;
  r.read_prefixes = {"/"};
  BOOST_CHECK_NO_THROW(PathPolicy{r});
}
