// policy/builtin_protected.hpp — Runtimo's built-in protected set: the files no job may read
// or write whatever the configuration says (paths.protected only adds to it).
//
// Owns the list itself (README "Protected files" describes it for users):
//   * system secrets: /etc/shadow, /etc/gshadow and their "-" backups, /etc/security/opasswd,
//     SSH host private keys, /etc/ssl/private and all below it;
//   * secrets of processes, for every pid and thread (the runtime's own included, so
//     /proc/self/… and /proc/thread-self/… too): environ, mem, auxv, syscall, stack,
//     pagemap, personality — what the kernel guards with ptrace access checks;
//   * kernel memory: /proc/kcore, /proc/kmsg, /proc/kpage*, /proc/vmcore, /dev/mem, /dev/kmem,
//     /dev/port;
//   * credentials below every home in the passwd database, /root, every /home/* and the
//     runtime user's home:
//     ~/.ssh/* (public keys, known_hosts and authorized_keys stay readable), ~/.gnupg,
//     ~/.aws/credentials and config, ~/.docker/config.json, ~/.kube/config, ~/.git-credentials,
//     ~/.config/git/credentials, ~/.netrc, ~/.pgpass, ~/.npmrc, ~/.pypirc,
//     ~/.config/gh/hosts.yml, ~/.config/gcloud and all below it;
//   * dotenv files anywhere: .env, .envrc and .env.* (the templates .env.example, .env.sample
//     and .env.template stay readable).
#pragma once

#include "policy/protected_set.hpp"

#include <memory>
#include <vector>

namespace runtimo::policy {

// Every absolute home directory of the passwd database and /root, without duplicates; a home
// its user owns is followed (see Home). Read once per process: from /etc/passwd itself when
// nsswitch.conf's passwd sources are only "files" and "systemd" (the systemd module adds
// root, nobody, dynamic users with no home of their own, and systemd-homed users, whose homes
// are below /home, which the /home/* rules cover), else by getpwent(3) through every NSS
// source (LDAP, SSSD, NIS, compat).
const std::vector<Home> &passwd_homes();

// The whole built-in set for passwd_homes(), built once per process (the first path check
// pays for it, about a millisecond on a small VM, mostly NSS enumerating passwd) and shared by
// every policy after. A long-lived process (daemon, MCP server) therefore learns of a user
// added to passwd, or of a credential directory symlinked elsewhere, when it restarts; the
// rules of the homes it knows match by name whenever they are asked.
std::shared_ptr<const ProtectedSet> builtin_set();

// Adds the built-in credential rules for the homes of `set` (for a home passwd does not list).
void add_builtin_home_rules(ProtectedSet &set);

}  // namespace runtimo::policy
