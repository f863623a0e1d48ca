// policy/builtin_protected.cpp — see builtin_protected.hpp. The lists are data; the rules'
// semantics (ancestors, exceptions, homes) are protected_set.cpp's.
#include "policy/builtin_protected.hpp"

#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string_view>

namespace runtimo::policy {
namespace {

constexpr const char *kSystemFiles[] = {
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/security/opasswd",
    "/etc/ssh/ssh_host_*_key",
    "/etc/ssl/private",
    "/proc/kcore",
    "/proc/kmsg",
    "/proc/kpage*",
    "/proc/vmcore",
    "/dev/mem",
    "/dev/kmem",
    "/dev/port",
};

// Files of /proc/<pid>/ and /proc/<pid>/task/<tid>/ that hold a process's secrets.
constexpr const char *kProcessSecrets[] = {"environ", "mem",     "auxv",       "syscall",
                                           "stack",   "pagemap", "personality"};

struct HomeFile {
  const char *relative;
  std::vector<std::string> readable;
};

const HomeFile kHomeFiles[] = {
    {".ssh/*", {"*.pub", "known_hosts", "known_hosts.old", "authorized_keys", "authorized_keys2"}},
    {".gnupg", {}},
    {".aws/credentials", {}},
    {".aws/config", {}},
    {".docker/config.json", {}},
    {".kube/config", {}},
    {".git-credentials", {}},
    {".config/git/credentials", {}},
    {".netrc", {}},
    {".pgpass", {}},
    {".npmrc", {}},
    {".pypirc", {}},
    {".config/gh/hosts.yml", {}},
    {".config/gcloud", {}},
};

// Whether the passwd line of /etc/nsswitch.conf names a source beyond "files" and "systemd"
// (ldap, sss, nis, winbind, compat, ...): then only NSS can enumerate the users. A missing or
// unreadable file means glibc's default, "files".
bool passwd_needs_nss() {
  std::FILE *f = std::fopen("/etc/nsswitch.conf", "re");
  if (f == nullptr) return false;
  bool needs = false;
  char line[1024];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    std::string_view text(line);
    if (!text.starts_with("passwd:")) continue;
    text.remove_prefix(7);
    text = text.substr(0, text.find('#'));
    std::size_t at = 0;
    while ((at = text.find_first_not_of(" \t\r\n", at)) != std::string_view::npos) {
      const std::size_t end = std::min(text.find_first_of(" \t\r\n", at), text.size());
      const std::string_view word = text.substr(at, end - at);
      // "[NOTFOUND=return]" and the like are actions, not sources.
      if (word.front() != '[' && word != "files" && word != "systemd") needs = true;
      at = end;
    }
  }
  std::fclose(f);
  return needs;
}

void add_home(std::vector<Home> &out, const passwd &pw) {
  if (pw.pw_dir == nullptr || pw.pw_dir[0] != '/') return;
  struct stat st {};
  const bool owned = ::stat(pw.pw_dir, &st) == 0 && st.st_uid == pw.pw_uid;
  const auto known = std::find_if(out.begin(), out.end(), [&](const Home &h) { return h.dir == pw.pw_dir; });
  if (known == out.end())
    out.push_back(Home{pw.pw_dir, owned});
  else
    known->follow_links = known->follow_links || owned;
}

}  // namespace

const std::vector<Home> &passwd_homes() {
  static const std::vector<Home> homes = [] {
    std::vector<Home> out{Home{"/root", true}};
    if (!passwd_needs_nss()) {
      // The passwd file itself: what NSS's "files" reads, without loading NSS modules (the
      // systemd module alone costs a socket connection per command).
      if (std::FILE *f = std::fopen("/etc/passwd", "re")) {
        while (const passwd *pw = ::fgetpwent(f)) add_home(out, *pw);
        std::fclose(f);
      }
      return out;
    }
    // getpwent(3) walks one process-wide cursor: serialise, although this runs once.
    static std::mutex cursor;
    const std::lock_guard<std::mutex> lock(cursor);
    ::setpwent();
    while (const passwd *pw = ::getpwent()) add_home(out, *pw);
    ::endpwent();
    return out;
  }();
  return homes;
}

void add_builtin_home_rules(ProtectedSet &set) {
  for (const HomeFile &f : kHomeFiles) set.add_in_homes(f.relative, f.readable);
}

std::shared_ptr<const ProtectedSet> builtin_set() {
  static const std::shared_ptr<const ProtectedSet> set = [] {
    auto built = std::make_shared<ProtectedSet>(passwd_homes());
    for (const char *file : kSystemFiles) built->add_path(file, {}, true);
    for (const char *name : kProcessSecrets) {
      built->add_path(std::string("/proc/*/") + name, {}, true);
      built->add_path(std::string("/proc/*/task/*/") + name, {}, true);
    }
    add_builtin_home_rules(*built);
    // Homes below /home that passwd does not list (a directory service that cannot be
    // enumerated, a user removed from passwd whose files remain).
    for (const HomeFile &f : kHomeFiles)
      built->add_path(std::string("/home/*/") + f.relative, f.readable, true);
    built->add_name(".env", {});
    built->add_name(".envrc", {});
    built->add_name(".env.*", {".env.example", ".env.sample", ".env.template"});
    return std::shared_ptr<const ProtectedSet>(std::move(built));
  }();
  return set;
}

}  // namespace runtimo::policy
