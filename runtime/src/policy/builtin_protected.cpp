// policy/builtin_protected.cpp — see builtin_protected.hpp. The lists are data; the rules'
// semantics (ancestors, exceptions, homes) are protected_set.cpp's.
#include "policy/builtin_protected.hpp"

#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <mutex>

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

}  // namespace

const std::vector<Home> &passwd_homes() {
  static const std::vector<Home> homes = [] {
    std::vector<Home> out{Home{"/root", true}};
    // getpwent(3) walks one process-wide cursor: serialise, although this runs once.
    static std::mutex cursor;
    const std::lock_guard<std::mutex> lock(cursor);
    ::setpwent();
    while (const passwd *pw = ::getpwent()) {
      if (pw->pw_dir == nullptr || pw->pw_dir[0] != '/') continue;
      struct stat st {};
      const bool owned = ::stat(pw->pw_dir, &st) == 0 && st.st_uid == pw->pw_uid;
      const auto known =
          std::find_if(out.begin(), out.end(), [&](const Home &h) { return h.dir == pw->pw_dir; });
      if (known == out.end())
        out.push_back(Home{pw->pw_dir, owned});
      else
        known->follow_links = known->follow_links || owned;
    }
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
