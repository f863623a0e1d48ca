// policy_path_check.cpp — the path policy's check(): argument errors, resolution (symlinks,
// missing components, C.24 escapes), protected patterns with readable exceptions, and prefixes
// compared by whole components (C.23).
#define BOOST_TEST_MODULE policy_path_check
#include <boost/test/unit_test.hpp>

#include "policy/path_policy.hpp"
#include "temp_dir.hpp"

#include <climits>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using runtimo::policy::PathPolicy;
using runtimo::policy::PathRules;
using runtimo::test::TempDir;

namespace {

void write_file(const fs::path &p, const std::string &text) {
  std::ofstream(p) << text;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// A tree: allowed/ (writable), outside/ (not writable, holds protected secret*), home/ (the
// "~" of the rules, with .ssh keys and a writable ~/work).
struct Tree {
  TempDir dir;
  fs::path root = fs::canonical(dir.path());
  fs::path allowed = root / "allowed";
  fs::path outside = root / "outside";
  fs::path home = root / "home";

  Tree() {
    fs::create_directories(allowed);
    fs::create_directories(outside);
    fs::create_directories(home / ".ssh");
    fs::create_directories(home / "work");
    write_file(allowed / "notes.txt", "notes");
    write_file(outside / "secret.txt", "secret");
    write_file(outside / "plain.txt", "plain");
    write_file(home / ".ssh" / "id_ed25519", "private key");
    write_file(home / ".ssh" / "id_ed25519.pub", "public key");
  }

  PathRules rules() const {
    PathRules r;
    r.write_prefixes = {allowed.string(), "~/work"};
    r.protected_patterns = {"/etc/shadow", (outside / "secret*").string(), "~/.ssh/*"};
    r.readable_exceptions = {"*.pub", "known_hosts"};
    r.home = home;
    return r;
  }
  PathPolicy policy() const { return PathPolicy(rules()); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(empty_path_is_invalid) {
  Tree t;
  const auto d = t.policy().check("", RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(d.message == "path is empty");
}

BOOST_AUTO_TEST_CASE(path_with_nul_byte_is_invalid) {
  Tree t;
  const std::string path = (t.allowed / "a").string() + std::string(1, '\0') + "b";
  const auto d = t.policy().check(path, RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(contains(d.message, "NUL byte"));
}

BOOST_AUTO_TEST_CASE(path_longer_than_path_max_is_invalid) {
  Tree t;
  const std::string path = "/" + std::string(PATH_MAX, 'a');
  const auto d = t.policy().check(path, RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(contains(d.message, "PATH_MAX"));
}

BOOST_AUTO_TEST_CASE(unknown_access_is_invalid) {
  Tree t;
  BOOST_TEST(t.policy().check(t.allowed.string(), 0, t.root).status == RT_INVALID_ARGS);
  BOOST_TEST(t.policy().check(t.allowed.string(), 8, t.root).status == RT_INVALID_ARGS);
}

BOOST_AUTO_TEST_CASE(relative_path_resolves_against_working_dir) {
  Tree t;
  const auto d = t.policy().check("notes.txt", RT_ACCESS_WRITE, t.allowed);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(d.resolved == (t.allowed / "notes.txt").string());
}

BOOST_AUTO_TEST_CASE(write_prefix_is_compared_by_whole_components) {
  Tree t;
  fs::create_directories(t.root / "allowedevil");
  const PathPolicy policy = t.policy();
  BOOST_TEST(policy.check(t.allowed.string(), RT_ACCESS_WRITE, t.root).ok());
  BOOST_TEST(policy.check((t.allowed / "a").string(), RT_ACCESS_WRITE, t.root).ok());

  const std::string evil = (t.root / "allowedevil" / "x").string();
  const auto d = policy.check(evil, RT_ACCESS_WRITE, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(contains(d.message, evil));
  BOOST_TEST(contains(d.hint, t.allowed.string()));
  BOOST_TEST(contains(d.hint, "RUNTIMO_ALLOWED_PATHS"));
  // Reads are allowed everywhere when no read prefix is configured.
  BOOST_TEST(policy.check(evil, RT_ACCESS_READ, t.root).ok());
}

BOOST_AUTO_TEST_CASE(tilde_write_prefix_means_the_home_directory) {
  Tree t;
  const auto d = t.policy().check((t.home / "work" / "f").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST(d.ok(), d.message);
  BOOST_TEST(t.policy().check((t.home / "f").string(), RT_ACCESS_WRITE, t.root).status ==
             RT_DENIED);
}

BOOST_AUTO_TEST_CASE(etc_shadow_is_protected_for_reads_and_writes) {
  Tree t;
  for (const std::uint32_t access : {RT_ACCESS_READ, RT_ACCESS_WRITE}) {
    const auto d = t.policy().check("/etc/shadow", access, t.root);
    BOOST_TEST(d.status == RT_DENIED);
    BOOST_TEST(d.message == "/etc/shadow is protected: Runtimo never reads or writes it");
    BOOST_TEST(d.hint ==
               "it is in Runtimo's built-in protected set (keys, credentials, secrets of "
               "processes), which no configuration can reduce");
  }
}

BOOST_AUTO_TEST_CASE(symlink_to_protected_file_is_refused_for_read) {
  Tree t;
  const fs::path link = t.allowed / "innocent.txt";
  fs::create_symlink(t.outside / "secret.txt", link);
  const auto d = t.policy().check(link.string(), RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(contains(d.message, (t.outside / "secret.txt").string()));
  BOOST_TEST(contains(d.message, "is protected"));
}

BOOST_AUTO_TEST_CASE(symlink_to_allowed_file_reports_the_resolved_path) {
  Tree t;
  const fs::path link = t.root / "link-to-notes";
  fs::create_symlink(t.allowed / "notes.txt", link);
  const auto d = t.policy().check(link.string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(d.resolved == (t.allowed / "notes.txt").string());
}

// Upstream C.24: /tmp/link -> /etc plus /tmp/link/new/file must resolve into /etc.
BOOST_AUTO_TEST_CASE(symlinked_directory_escape_is_refused_for_write) {
  Tree t;
  fs::create_directory_symlink("/etc", t.allowed / "link");
  const std::string path = (t.allowed / "link" / "newdir" / "file").string();
  const auto d = t.policy().check(path, RT_ACCESS_WRITE, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(contains(d.message, fs::canonical("/etc").string() + "/newdir/file"));
}

BOOST_AUTO_TEST_CASE(dangling_symlink_resolves_to_where_a_create_would_land) {
  Tree t;
  fs::create_symlink(t.outside / "planted", t.allowed / "dangling");
  const auto d = t.policy().check((t.allowed / "dangling").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(contains(d.message, (t.outside / "planted").string()));

  fs::create_symlink("relative-target", t.allowed / "dangling-relative");
  const auto r =
      t.policy().check((t.allowed / "dangling-relative").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST_REQUIRE(r.ok(), r.message);
  BOOST_TEST(r.resolved == (t.allowed / "relative-target").string());
}

BOOST_AUTO_TEST_CASE(missing_path_resolves_its_deepest_existing_ancestor) {
  Tree t;
  fs::create_directory_symlink(t.allowed, t.root / "alias");
  const auto d =
      t.policy().check((t.root / "alias" / "a" / "./b").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(d.resolved == (t.allowed / "a" / "b").string());
}

BOOST_AUTO_TEST_CASE(dotdot_after_a_missing_component_is_refused) {
  Tree t;
  const auto d =
      t.policy().check((t.allowed / "missing" / ".." / "x").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(contains(d.message, "\"..\""));
  BOOST_TEST(contains(d.message, (t.allowed / "missing").string()));
}

BOOST_AUTO_TEST_CASE(dotdot_through_existing_directories_is_resolved) {
  Tree t;
  fs::create_directories(t.allowed / "sub");
  const auto d =
      t.policy().check((t.allowed / "sub" / ".." / "new.txt").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(d.resolved == (t.allowed / "new.txt").string());
}

BOOST_AUTO_TEST_CASE(protected_pattern_with_readable_exception) {
  Tree t;
  const PathPolicy policy = t.policy();
  const std::string key = (t.home / ".ssh" / "id_ed25519").string();
  const std::string pub = key + ".pub";
  BOOST_TEST(policy.check(key, RT_ACCESS_READ, t.root).status == RT_DENIED);
  BOOST_TEST(policy.check(pub, RT_ACCESS_READ, t.root).ok());
  // Exceptions are for reading only.
  const auto w = policy.check(pub, RT_ACCESS_WRITE, t.root);
  BOOST_TEST(w.status == RT_DENIED);
  BOOST_TEST(contains(w.message, "is protected"));
}

BOOST_AUTO_TEST_CASE(readable_exception_does_not_cover_a_link_to_a_private_key) {
  Tree t;
  const fs::path link = t.home / ".ssh" / "looks_public.pub";
  fs::create_symlink(t.home / ".ssh" / "id_ed25519", link);
  BOOST_TEST(t.policy().check(link.string(), RT_ACCESS_READ, t.root).status == RT_DENIED);
}

BOOST_AUTO_TEST_CASE(path_as_given_is_checked_even_when_it_resolves_elsewhere) {
  Tree t;
  // ~/.ssh is a symlink to an unprotected directory: the path as given is still protected.
  const fs::path keys = t.allowed / "keys";
  fs::create_directories(keys);
  write_file(keys / "id_rsa", "key");
  fs::remove_all(t.home / ".ssh");
  fs::create_directory_symlink(keys, t.home / ".ssh");
  const auto d = t.policy().check((t.home / ".ssh" / "id_rsa").string(), RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  // ... and lexical tricks do not hide it.
  const std::string tricky = (t.home / "work" / ".." / ".ssh" / "id_rsa").string();
  BOOST_TEST(t.policy().check(tricky, RT_ACCESS_READ, t.root).status == RT_DENIED);
}

BOOST_AUTO_TEST_CASE(protected_directory_protects_what_lies_below) {
  Tree t;
  fs::create_directories(t.outside / "secret_dir" / "deep");
  write_file(t.outside / "secret_dir" / "deep" / "x", "x");
  const auto d =
      t.policy().check((t.outside / "secret_dir" / "deep" / "x").string(), RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(t.policy().check((t.outside / "plain.txt").string(), RT_ACCESS_READ, t.root).ok());
}

BOOST_AUTO_TEST_CASE(read_prefixes_limit_reads_when_configured) {
  Tree t;
  PathRules rules = t.rules();
  rules.read_prefixes = {t.allowed.string()};
  const PathPolicy policy(rules);
  BOOST_TEST(policy.check((t.allowed / "notes.txt").string(), RT_ACCESS_READ, t.root).ok());
  const auto d = policy.check((t.outside / "plain.txt").string(), RT_ACCESS_READ, t.root);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(contains(d.message, "outside the directories Runtimo may read"));
  BOOST_TEST(contains(d.hint, t.allowed.string()));
}

BOOST_AUTO_TEST_CASE(configured_prefixes_are_resolved) {
  Tree t;
  fs::create_directory_symlink(t.allowed, t.root / "allowed-alias");
  PathRules rules = t.rules();
  rules.write_prefixes = {(t.root / "allowed-alias").string()};
  const PathPolicy policy(rules);
  BOOST_TEST(policy.check((t.allowed / "f").string(), RT_ACCESS_WRITE, t.root).ok());
}

BOOST_AUTO_TEST_CASE(relative_config_entry_is_a_configuration_error) {
  PathRules rules;
  rules.write_prefixes = {"tmp"};
  BOOST_CHECK_THROW(PathPolicy{rules}, std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(component_that_is_a_file_is_invalid) {
  Tree t;
  const auto d =
      t.policy().check((t.allowed / "notes.txt" / "x").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(contains(d.message, "not a directory"));
}
