// GitExec as a user runs it from the CLI, on real repositories made in a temporary directory:
// status lists untracked and modified files (and rewrites nothing, not even the index); commit
// with a message and an author, seen by log; a message that looks like an option is only a
// message; revert makes a new commit; reset --hard, checkout of a branch, revert and clean -f -d
// are each undone exactly — HEAD, the branch, the index, the work tree and every file under
// .git; hostile URLs, refs and branch names are refused before anything runs; local
// repositories (a bare repo by path or file:// URL, or a configured local remote) cannot be
// cloned or fetched; a dry run of commit runs nothing; hooks and a core.fsmonitor command the repository's config names do not run; a
// commit in a linked worktree backs up the git directories outside it and is undone there too;
// a status whose output the spawn service truncated lists only whole entries and says so.
// No network is used: every refused URL is refused before git starts.
#define BOOST_TEST_MODULE git_exec_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"
#include "tree_listing.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// git as found on the PATH (run_capture execs a path, not a name).
std::string git_program() {
  const std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t colon = std::min(path.find(':', start), path.size());
    const fs::path candidate = fs::path(path.substr(start, colon - start)) / "git";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = colon + 1;
  }
  throw std::runtime_error("git is not on the PATH");
}

// The test's own git, in `repo`, with a fixed identity and none of the machine's config.
std::string git(const fs::path &repo, std::vector<std::string> args) {
  args.insert(args.begin(), {git_program(), "-C", repo.string(), "-c", "user.name=t", "-c",
                             "user.email=t@example.com"});
  const Captured c =
      run_capture(args, {}, {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C"});
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, "git " + args.at(7) + " failed: " + c.err);
  std::string out = c.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string head(const fs::path &repo) {
  return git(repo, {"rev-parse", "HEAD"});
}
std::string branch(const fs::path &repo) {
  return git(repo, {"symbolic-ref", "--short", "HEAD"});
}

// A repository on main with two commits ("first", "second") of a.txt and b.txt.
fs::path make_repo(const Cli &cli) {
  const fs::path repo = fs::canonical(cli.dir.path()) / "repo";
  fs::create_directories(repo);
  git(repo, {"init", "-q", "-b", "main"});
  write_bytes(repo / "a.txt", "alpha\n");
  write_bytes(repo / "b.txt", "beta\n");
  git(repo, {"add", "a.txt", "b.txt"});
  git(repo, {"commit", "-q", "-m", "first"});
  write_bytes(repo / "a.txt", "alpha 2\n");
  git(repo, {"commit", "-q", "-a", "-m", "second"});
  return repo;
}

json::object gitexec(const Cli &cli, json::object args, int *code = nullptr,
                     std::vector<std::string> extra = {}) {
  std::vector<std::string> a{"run", "GitExec", json::serialize(args)};
  a.insert(a.end(), extra.begin(), extra.end());
  int c = -1;
  auto r = cli.json_of(a, &c);
  if (code != nullptr)
    *code = c;
  else
    BOOST_TEST(c == 0, json::serialize(r));
  return r;
}

const json::object &data(const json::object &r) {
  return r.at("data").as_object();
}
std::string error_of(const json::object &r) {
  return std::string(r.at("error").at("message").as_string());
}

int undo(const Cli &cli, const json::object &r) {
  const Captured c = cli({"undo", std::string(r.at("job_id").as_string())});
  BOOST_TEST(c.exit_code == 0, c.out + c.err);
  return c.exit_code;
}

bool has_entry(const json::array &entries, const std::string &path, const std::string &index,
               const std::string &worktree) {
  return std::any_of(entries.begin(), entries.end(), [&](const json::value &e) {
    return e.at("path") == path.c_str() && e.at("index") == index.c_str() &&
           e.at("worktree") == worktree.c_str();
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(status_lists_untracked_and_modified_files_and_rewrites_nothing) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  write_bytes(repo / "a.txt", "alpha 3, not committed\n");
  write_bytes(repo / "new.txt", "untracked\n");
  const auto before = listing(repo);

  const auto r = gitexec(cli, {{"op", "status"}, {"repo", repo.string()}});
  const auto &d = data(r);
  BOOST_TEST(d.at("success") == true);
  BOOST_TEST(d.at("repo") == repo.c_str());
  const auto &entries = d.at("entries").as_array();
  BOOST_TEST(entries.size() == 2u, json::serialize(entries));
  BOOST_TEST(has_entry(entries, "a.txt", " ", "M"), json::serialize(entries));
  BOOST_TEST(has_entry(entries, "new.txt", "?", "?"), json::serialize(entries));
  BOOST_TEST(std::string(d.at("branch_line").as_string()).starts_with("main"));
  BOOST_TEST(!d.contains("backup"));  // read-only: nothing was backed up
  const auto &argv = d.at("argv").as_array();
  BOOST_TEST(argv.at(0) == "git");
  for (const char *hardening : {"credential.helper=", "core.hooksPath=/dev/null",
                                "protocol.ext.allow=never", "protocol.file.allow=never"})
    BOOST_TEST((std::find(argv.begin(), argv.end(), json::value(hardening)) != argv.end()),
               hardening);
  BOOST_TEST((listing(repo) == before));  // not even the index was refreshed

  // Limited to paths, given after "--".
  const auto only_new =
      data(gitexec(cli, {{"op", "status"}, {"repo", repo.string()}, {"paths", {"new.txt"}}}));
  BOOST_TEST(only_new.at("entries").as_array().size() == 1u);
  BOOST_TEST(only_new.at("argv").as_array().back() == "new.txt");
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(commit_with_a_message_and_an_author_is_seen_by_log) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  const std::string second = head(repo);
  write_bytes(repo / "a.txt", "alpha 3\n");

  const auto r = gitexec(cli, {{"op", "commit"},
                               {"repo", repo.string()},
                               {"message", "Change a"},
                               {"all", true},
                               {"author_name", "Ada Lovelace"},
                               {"author_email", "ada@example.com"}});
  const auto &d = data(r);
  BOOST_TEST(d.at("success") == true, json::serialize(d));
  BOOST_TEST(d.at("before").at("head") == second.c_str());
  BOOST_TEST(d.at("after").at("head") == head(repo).c_str());
  BOOST_TEST(d.at("after").at("branch") == "main");
  BOOST_TEST(head(repo) != second);
  BOOST_TEST(d.at("backup").at("job") == r.at("job_id"));

  const auto log = data(gitexec(cli, {{"op", "log"}, {"repo", repo.string()}, {"max_count", 2}}));
  const auto &commits = log.at("commits").as_array();
  BOOST_REQUIRE_EQUAL(commits.size(), 2u);
  BOOST_TEST(commits.at(0).at("commit") == head(repo).c_str());
  BOOST_TEST(commits.at(0).at("subject") == "Change a");
  BOOST_TEST(commits.at(0).at("author") == "Ada Lovelace");
  BOOST_TEST(commits.at(0).at("email") == "ada@example.com");
  BOOST_TEST(commits.at(1).at("subject") == "second");

  // A message that looks like options is only a message: nothing is amended, and only the
  // path given is committed.
  const std::string third = head(repo);
  write_bytes(repo / "a.txt", "alpha 4\n");
  write_bytes(repo / "b.txt", "beta 2\n");
  const auto odd = data(gitexec(cli, {{"op", "commit"},
                                      {"repo", repo.string()},
                                      {"message", "--amend --no-verify"},
                                      {"paths", {"b.txt"}},
                                      {"author_name", "t"},
                                      {"author_email", "t@example.com"}}));
  BOOST_TEST(odd.at("success") == true, json::serialize(odd));
  BOOST_TEST(git(repo, {"log", "-1", "--format=%s"}) == "--amend --no-verify");
  BOOST_TEST(git(repo, {"rev-parse", "HEAD~1"}) == third);
  BOOST_TEST(git(repo, {"status", "--porcelain"}) == " M a.txt");

  // Nothing to commit: git exits 1, the job completed.
  const auto nothing = gitexec(cli, {{"op", "commit"},
                                     {"repo", repo.string()},
                                     {"message", "empty"},
                                     {"author_name", "t"},
                                     {"author_email", "t@example.com"},
                                     {"paths", {"b.txt"}}});
  BOOST_TEST(nothing.at("status") == "completed");
  BOOST_TEST(data(nothing).at("success") == false);
  BOOST_TEST(data(nothing).at("exit_code") != 0);
}

BOOST_AUTO_TEST_CASE(reset_hard_is_undone_exactly_head_branch_index_and_work_tree) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  write_bytes(repo / "staged.txt", "staged\n");
  git(repo, {"add", "staged.txt"});
  write_bytes(repo / "a.txt", "alpha, not committed\n");
  write_bytes(repo / "untracked.txt", "untracked\n");
  const std::string second = head(repo);
  const std::string first = git(repo, {"rev-parse", "HEAD~1"});
  const auto before = listing(repo);

  const auto r =
      gitexec(cli, {{"op", "reset"}, {"repo", repo.string()}, {"mode", "hard"}, {"ref", "HEAD~1"}});
  const auto &d = data(r);
  BOOST_TEST(d.at("success") == true, json::serialize(d));
  BOOST_TEST(head(repo) == first);
  BOOST_TEST(read_file(repo / "a.txt") == "alpha\n");
  BOOST_TEST(!fs::exists(repo / "staged.txt"));
  BOOST_TEST(d.at("before").at("head") == second.c_str());
  BOOST_TEST(d.at("after").at("head") == first.c_str());
  BOOST_TEST(d.at("after").at("branch") == "main");
  BOOST_TEST(!d.at("changes").as_array().empty());
  BOOST_TEST((d.at("backed_up") == json::array{json::value(repo.c_str())}));

  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST(head(repo) == second);
  BOOST_TEST(branch(repo) == "main");
  BOOST_TEST((listing(repo) == before));  // the index, ORIG_HEAD, the reflog and every file
  BOOST_TEST(git(repo, {"diff", "--cached", "--name-only"}) == "staged.txt");
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(checkout_of_a_branch_and_of_a_detached_commit_are_undone) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  git(repo, {"branch", "feature", "HEAD~1"});
  const std::string feature = git(repo, {"rev-parse", "feature"});
  const auto before = listing(repo);

  const auto r = gitexec(cli, {{"op", "checkout"}, {"repo", repo.string()}, {"branch", "feature"}});
  BOOST_TEST(data(r).at("success") == true, json::serialize(data(r)));
  BOOST_TEST(branch(repo) == "feature");
  BOOST_TEST(head(repo) == feature);
  BOOST_TEST(data(r).at("before").at("branch") == "main");
  BOOST_TEST(data(r).at("after").at("branch") == "feature");
  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST(branch(repo) == "main");
  BOOST_TEST((listing(repo) == before));

  const auto detached =
      gitexec(cli, {{"op", "checkout"}, {"repo", repo.string()}, {"ref", "HEAD~1"}});
  BOOST_TEST(data(detached).at("after").at("branch").is_null());
  BOOST_TEST(data(detached).at("after").at("head") == feature.c_str());
  BOOST_TEST(undo(cli, detached) == 0);
  BOOST_TEST(branch(repo) == "main");
  BOOST_TEST((listing(repo) == before));

  // A branch that does not exist: git fails, the job completed, nothing changed.
  const auto missing =
      gitexec(cli, {{"op", "checkout"}, {"repo", repo.string()}, {"branch", "no-such-branch"}});
  BOOST_TEST(data(missing).at("success") == false);
  BOOST_TEST((listing(repo) == before));
}

BOOST_AUTO_TEST_CASE(clean_needs_force_and_undo_brings_the_untracked_files_back) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  write_bytes(repo / "scratch.txt", "scratch\n");
  fs::create_directories(repo / "build" / "obj");
  write_bytes(repo / "build" / "obj" / "x.o", "object\n");
  const auto before = listing(repo);

  int code = -1;
  const auto unforced =
      gitexec(cli, {{"op", "clean"}, {"repo", repo.string()}, {"directories", true}}, &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(error_of(unforced).find("force: true") != std::string::npos);
  BOOST_TEST((listing(repo) == before));

  const auto r = gitexec(
      cli, {{"op", "clean"}, {"repo", repo.string()}, {"force", true}, {"directories", true}});
  BOOST_TEST(data(r).at("success") == true, json::serialize(data(r)));
  BOOST_TEST(!fs::exists(repo / "scratch.txt"));
  BOOST_TEST(!fs::exists(repo / "build"));
  BOOST_TEST(fs::exists(repo / "a.txt"));
  std::vector<std::string> deleted;
  for (const auto &c : data(r).at("changes").as_array())
    if (c.at("change") == "deleted")
      deleted.push_back(fs::relative(std::string(c.at("path").as_string()), repo).string());
  std::sort(deleted.begin(), deleted.end());
  BOOST_TEST(
      (deleted == std::vector<std::string>{"build", "build/obj", "build/obj/x.o", "scratch.txt"}),
      json::serialize(data(r).at("changes")));

  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST((listing(repo) == before));
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(hostile_urls_refs_and_paths_are_refused_before_anything_runs) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  const fs::path pwned = cli.dir / "pwned";
  const std::string dest = (cli.dir / "clone").string();
  const auto before = listing(repo);
  struct Case {
    json::object args;
    int code;
    std::string says;
  };
  const std::vector<Case> cases{
      {{{"op", "fetch"}, {"repo", repo.string()}, {"url", "--upload-pack=touch " + pwned.string()}},
       2,
       "starts with \"-\""},
      {{{"op", "clone"}, {"repo", dest}, {"url", "--upload-pack=touch " + pwned.string()}},
       2,
       "starts with \"-\""},
      {{{"op", "clone"}, {"repo", dest}, {"url", "ext::sh -c touch% " + pwned.string()}},
       2,
       "remote helper"},
      {{{"op", "pull"}, {"repo", repo.string()}, {"url", "ext::sh -c touch% /tmp/x"}},
       2,
       "remote helper"},
      {{{"op", "clone"}, {"repo", dest}, {"url", "file:///etc"}}, 2, "file://"},
      {{{"op", "clone"}, {"repo", dest}, {"url", "FILE:///etc"}}, 2, "file://"},
      {{{"op", "clone"}, {"repo", dest}, {"url", "http://example.com/x.git"}}, 2, "scheme"},
      {{{"op", "clone"}, {"repo", dest}, {"url", "ssh://-oProxyCommand=touch%20x/repo"}},
       2,
       "starting with \"-\""},
      {{{"op", "clone"}, {"repo", dest}, {"url", "git@-oProxyCommand:repo"}},
       2,
       "must not start with \"-\""},
      {{{"op", "clone"}, {"repo", dest}, {"url", "https://example.com/a b"}}, 2, "whitespace"},
      {{{"op", "checkout"}, {"repo", repo.string()}, {"ref", "-x"}},
       2,
       "\"ref\" \"-x\" starts with \"-\""},
      {{{"op", "checkout"}, {"repo", repo.string()}, {"branch", "-x"}},
       2,
       "\"branch\" \"-x\" starts with \"-\""},
      {{{"op", "checkout"}, {"repo", repo.string()}, {"branch", "--orphan=x"}},
       2,
       "starts with \"-\""},
      {{{"op", "reset"}, {"repo", repo.string()}, {"ref", "HEAD;touch x"}}, 2, "character \";\""},
      {{{"op", "diff"}, {"repo", repo.string()}, {"ref", "main..HEAD"}}, 2, "\"..\""},
      {{{"op", "fetch"}, {"repo", repo.string()}, {"branch", "main"}}, 2, "needs url"},
      {{{"op", "status"}, {"repo", repo.string()}, {"message", "x"}},
       2,
       "not an argument of op status"},
      {{{"op", "commit"}, {"repo", repo.string()}, {"message", "x"}, {"author_name", "a <b@c>"}},
       2,
       "identity"},
      {{{"op", "status"}, {"repo", cli.dir.path().string()}}, 2, "not inside a git work tree"},
      {{{"op", "clone"}, {"repo", repo.string()}, {"url", "https://example.invalid/x.git"}},
       2,
       "already exists"},
      // Outside the write prefixes (/tmp, /var/tmp, ~): the path policy refuses.
      {{{"op", "clone"},
        {"repo", "/usr/runtimo-git-exec-test"},
        {"url", "https://example.invalid/x.git"}},
       3,
       ""},
      {{{"op", "clean"}, {"repo", "/etc"}, {"force", true}}, 3, ""},
  };
  for (const auto &c : cases) {
    int code = -1;
    const auto r = gitexec(cli, c.args, &code);
    BOOST_TEST(code == c.code, json::serialize(c.args) + " -> " + json::serialize(r));
    BOOST_TEST(error_of(r).find(c.says) != std::string::npos,
               json::serialize(c.args) + " -> " + error_of(r));
    BOOST_TEST(!r.at("error").at("hint").as_string().empty(), json::serialize(c.args));
  }
  BOOST_TEST(!fs::exists(pwned));
  BOOST_TEST(!fs::exists(dest));
  BOOST_TEST(!fs::exists("/usr/runtimo-git-exec-test"));
  BOOST_TEST((listing(repo) == before));
}

BOOST_AUTO_TEST_CASE(
    local_repositories_are_refused_by_path_by_file_url_and_as_a_configured_remote) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  const fs::path bare = cli.dir / "bare.git";
  git(cli.dir.path(), {"clone", "-q", "--bare", repo.string(), bare.string()});
  const fs::path dest = cli.dir / "copy";

  int code = -1;
  const auto by_path =
      gitexec(cli, {{"op", "clone"}, {"repo", dest.string()}, {"url", bare.string()}}, &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(error_of(by_path).find("is a local path: GitExec refuses local repositories") !=
                 std::string::npos,
             error_of(by_path));
  const auto by_url = gitexec(
      cli, {{"op", "clone"}, {"repo", dest.string()}, {"url", "file://" + bare.string()}}, &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(error_of(by_url).find("is a file:// URL") != std::string::npos, error_of(by_url));
  BOOST_TEST(!fs::exists(dest));

  // A remote the repository's config names by path is stopped by git itself
  // (protocol.file.allow=never): the job completes with success: false and HEAD stays.
  git(repo, {"remote", "add", "origin", bare.string()});
  const std::string was = head(repo);
  const auto fetched = gitexec(cli, {{"op", "fetch"}, {"repo", repo.string()}});
  BOOST_TEST(fetched.at("status") == "completed");
  BOOST_TEST(data(fetched).at("success") == false);
  BOOST_TEST(
      std::string(data(fetched).at("stderr").as_string()).find("transport 'file' not allowed") !=
          std::string::npos,
      json::serialize(data(fetched)));
  BOOST_TEST(head(repo) == was);
}

BOOST_AUTO_TEST_CASE(a_dry_run_of_commit_runs_nothing_and_shows_the_command_and_the_backup) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  write_bytes(repo / "a.txt", "alpha 3\n");
  const std::string was = head(repo);
  const auto before = listing(repo);

  const auto r = gitexec(
      cli,
      {{"op", "commit"}, {"repo", repo.string()}, {"message", "Would change a"}, {"all", true}},
      nullptr, {"--dry-run"});
  const auto &d = data(r);
  BOOST_TEST(d.at("dry_run") == true);
  BOOST_TEST(d.at("plan").at("plan") == true);
  BOOST_TEST((d.at("would_back_up") == json::array{json::value(repo.c_str())}));
  const auto &argv = d.at("argv").as_array();
  BOOST_TEST(
      (std::find(argv.begin(), argv.end(), json::value("--message=Would change a")) != argv.end()),
      json::serialize(argv));
  BOOST_TEST((std::find(argv.begin(), argv.end(), json::value("--all")) != argv.end()));
  BOOST_TEST(head(repo) == was);
  BOOST_TEST((listing(repo) == before));
}

BOOST_AUTO_TEST_CASE(hooks_and_commands_in_the_repository_config_do_not_run) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  const fs::path ran = cli.dir / "ran";
  for (const char *hook :
       {"pre-commit", "commit-msg", "post-commit", "post-checkout", "reference-transaction"}) {
    write_bytes(repo / ".git" / "hooks" / hook,
                "#!/bin/sh\necho " + std::string(hook) + " >> " + ran.string() + "\n");
    fs::permissions(repo / ".git" / "hooks" / hook, fs::perms::owner_all);
  }
  git(repo, {"config", "core.fsmonitor", "echo fsmonitor >> " + ran.string() + "; false"});
  git(repo, {"config", "core.pager", "echo pager >> " + ran.string()});
  write_bytes(repo / "a.txt", "alpha 3\n");

  BOOST_TEST(data(gitexec(cli, {{"op", "status"}, {"repo", repo.string()}})).at("success") == true);
  const auto commit = gitexec(cli, {{"op", "commit"},
                                    {"repo", repo.string()},
                                    {"message", "m"},
                                    {"all", true},
                                    {"author_name", "t"},
                                    {"author_email", "t@example.com"}});
  BOOST_TEST(data(commit).at("success") == true, json::serialize(data(commit)));
  BOOST_TEST(data(gitexec(cli, {{"op", "checkout"}, {"repo", repo.string()}, {"ref", "HEAD~1"}}))
                 .at("success") == true);
  BOOST_TEST(!fs::exists(ran), read_file(ran));
}

BOOST_AUTO_TEST_CASE(a_commit_in_a_linked_worktree_backs_up_its_git_directories_and_is_undone) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  const fs::path wt = fs::canonical(cli.dir.path()) / "wt";
  git(repo, {"worktree", "add", "-q", "-b", "side", wt.string()});
  fs::create_directories(wt / "sub");
  write_bytes(wt / "b.txt", "beta in the worktree\n");
  const auto repo_before = listing(repo);
  const auto wt_before = listing(wt);
  const std::string side = git(repo, {"rev-parse", "side"});

  // repo may be a directory inside the work tree: git's top level is used.
  const auto r = gitexec(cli, {{"op", "commit"},
                               {"repo", (wt / "sub").string()},
                               {"message", "in the worktree"},
                               {"all", true},
                               {"author_name", "t"},
                               {"author_email", "t@example.com"}});
  const auto &d = data(r);
  BOOST_TEST(d.at("success") == true, json::serialize(d));
  BOOST_TEST(d.at("repo") == wt.c_str());
  BOOST_TEST((d.at("backed_up") ==
              json::array{json::value(wt.c_str()), json::value((repo / ".git").c_str())}),
             json::serialize(d.at("backed_up")));
  BOOST_TEST(d.at("after").at("branch") == "side");
  BOOST_TEST(git(repo, {"rev-parse", "side"}) != side);

  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST(git(repo, {"rev-parse", "side"}) == side);
  BOOST_TEST((listing(repo) == repo_before));
  BOOST_TEST((listing(wt) == wt_before));
}

BOOST_AUTO_TEST_CASE(a_truncated_status_lists_only_whole_entries_and_says_it_is_incomplete) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  for (int i = 0; i < 100; ++i)
    write_bytes(repo / ("untracked-file-" + std::to_string(1000 + i) + ".txt"), "x");
  std::ofstream(cli.quiet_config)
      << R"({"guard":{"enabled":false},"spawn":{"max_output_bytes":1000}})";

  const auto r = gitexec(cli, {{"op", "status"}, {"repo", repo.string()}});
  const auto &d = data(r);
  BOOST_TEST(d.at("stdout_truncated") == true);
  BOOST_TEST(d.at("entries_complete") == false);
  const auto &entries = d.at("entries").as_array();
  BOOST_TEST(!entries.empty());
  BOOST_TEST(entries.size() < 100u);
  for (const auto &e : entries) {
    const std::string path(e.at("path").as_string());
    BOOST_TEST(
        (path.starts_with("untracked-file-1") && path.ends_with(".txt") && path.size() == 23u),
        path);
  }
}

BOOST_AUTO_TEST_CASE(revert_makes_a_new_commit_with_the_given_author_and_is_undone) {
  Cli cli;
  const fs::path repo = make_repo(cli);
  const std::string second = head(repo);
  const auto before = listing(repo);

  int code = -1;
  const auto no_ref = gitexec(cli, {{"op", "revert"}, {"repo", repo.string()}}, &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(error_of(no_ref).find("needs ref") != std::string::npos);

  const auto r = gitexec(cli, {{"op", "revert"},
                               {"repo", repo.string()},
                               {"ref", "HEAD"},
                               {"author_name", "Rev Ert"},
                               {"author_email", "rev@example.com"}});
  BOOST_TEST(data(r).at("success") == true, json::serialize(data(r)));
  BOOST_TEST(git(repo, {"log", "-1", "--format=%an <%ae> %s"}) ==
             "Rev Ert <rev@example.com> Revert \"second\"");
  BOOST_TEST(git(repo, {"rev-parse", "HEAD~1"}) == second);
  BOOST_TEST(read_file(repo / "a.txt") == "alpha\n");
  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST(head(repo) == second);
  BOOST_TEST((listing(repo) == before));
}
