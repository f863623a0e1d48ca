// ShellExec as a user runs it from the CLI: argv without a shell and cmd with shell: true;
// exit codes and signals; 10 MiB of output read while the command runs and kept as capped; a
// deadline that ends every process the command started — background children, a setsid double
// fork, a fork-bomb-shaped loop — with nothing left in /proc; background processes ended when
// the command exits unless detach; stdin; invalid UTF-8 and NUL bytes in output; an
// environment that inherits no secret unless named; the deny-list; dry runs that run nothing;
// and a declared write-set: `rm -r dir` undone exactly, and a conflict when a later job
// changed the write-set.
#define BOOST_TEST_MODULE shell_exec_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"
#include "tree_listing.hpp"

#include <boost/json.hpp>

#include <signal.h>

#include <fstream>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::object shell(const Cli &cli, const json::object &args, int *code = nullptr, std::vector<std::string> extra = {}) {
  std::vector<std::string> a{"run", "ShellExec", json::serialize(args)};
  a.insert(a.end(), extra.begin(), extra.end());
  int c = -1;
  auto r = cli.json_of(a, &c);
  if (code != nullptr) *code = c;
  else BOOST_TEST(c == 0, json::serialize(r));
  return r;
}

const json::object &data(const json::object &r) { return r.at("data").as_object(); }

std::string joined(const std::vector<std::string> &v) {
  std::string s;
  for (const auto &x : v) s += x + "\n";
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(argv_runs_without_a_shell_and_a_non_zero_exit_is_unsuccessful_but_completed) {
  Cli cli;
  const auto r = shell(cli, {{"argv", {"echo", "hello", "$HOME", "*"}}});
  BOOST_TEST(data(r).at("stdout") == "hello $HOME *\n");  // no expansion: no shell
  BOOST_TEST(data(r).at("exit_code") == 0);
  BOOST_TEST(data(r).at("success") == true);
  BOOST_TEST(std::string(data(r).at("executable").as_string()).ends_with("/echo"));

  const auto failed = shell(cli, {{"cmd", "echo out; echo err >&2; exit 3"}, {"shell", true}});
  BOOST_TEST(failed.at("status") == "completed");
  BOOST_TEST(data(failed).at("exit_code") == 3);
  BOOST_TEST(data(failed).at("success") == false);
  BOOST_TEST(data(failed).at("stdout") == "out\n");
  BOOST_TEST(data(failed).at("stderr") == "err\n");

  const auto killed = shell(cli, {{"cmd", "kill -9 $$"}, {"shell", true}});
  BOOST_TEST(data(killed).at("signal") == "SIGKILL");
  BOOST_TEST(data(killed).at("exit_code").is_null());

  int code = -1;
  shell(cli, {{"cmd", "ls"}}, &code);
  BOOST_TEST(code == 2);  // cmd needs shell: true
  shell(cli, {{"argv", {"no-such-program-here"}}}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(ten_mib_of_output_does_not_deadlock_and_is_kept_as_capped) {
  Cli cli;
  const auto r = shell(cli, {{"cmd", "head -c 10485760 /dev/zero | tr '\\0' a; echo tail-end"}, {"shell", true}, {"max_output_bytes", 1000}});
  const auto &d = data(r);
  BOOST_TEST(d.at("stdout_bytes") == 10485760 + 9);
  BOOST_TEST(d.at("stdout_truncated") == true);
  const std::string out(d.at("stdout").as_string());
  BOOST_TEST(out.starts_with(std::string(500, 'a')));
  BOOST_TEST(out.ends_with("tail-end\n"));
  BOOST_TEST(out.find("bytes omitted") != std::string::npos);
  BOOST_TEST(out.size() < 1100u);
}

BOOST_AUTO_TEST_CASE(the_deadline_ends_every_process_the_command_started) {
  Cli cli;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"background children", "sleep 987601 & sleep 987601"},
      {"a setsid double fork", "setsid sh -c 'sleep 987602 &'; sleep 987602"},
      {"a fork-bomb-shaped loop", "for i in 1 2 3 4 5 6 7 8; do (sleep 987603 &); done; sleep 987603"},
      {"a process ignoring SIGTERM", "trap '' TERM; sleep 987604 & wait"},
      {"a process that leaves its process group", "perl -e 'setpgrp(0,0); exec qw(sleep 987605)' & sleep 987605"},
  };
  for (const auto &[what, cmd] : cases) {
    const std::string marker = cmd.substr(cmd.find("98760"), 6);
    const auto r = shell(cli, {{"cmd", cmd}, {"shell", true}, {"timeout_secs", 1}});
    BOOST_TEST(data(r).at("timed_out") == true, what);
    BOOST_TEST(data(r).at("success") == false, what);
    BOOST_TEST(data(r).at("leftovers").as_array().empty(), what);
    BOOST_TEST(data(r).at("processes").as_array().size() >= 2u, what);
    BOOST_TEST(processes_with(marker).empty(), what + " left:\n" + joined(processes_with(marker)));
  }
}

BOOST_AUTO_TEST_CASE(background_processes_end_with_the_command_unless_detached) {
  Cli cli;
  const auto ended = shell(cli, {{"cmd", "sleep 987611 &"}, {"shell", true}, {"timeout_secs", 600}});
  BOOST_TEST(data(ended).at("timed_out") == false);
  BOOST_TEST(data(ended).at("exit_code") == 0);
  BOOST_TEST(processes_with("987611").empty(), joined(processes_with("987611")));

  const auto detached = shell(cli, {{"cmd", "sleep 987612 > /dev/null 2>&1 &"}, {"shell", true}, {"detach", true}});
  const auto &left = data(detached).at("leftovers").as_array();
  BOOST_REQUIRE_EQUAL(left.size(), 1u);
  // The leftover is the background shell, which may not have exec'd sleep yet when the command
  // returned: it becomes `sleep 987612` under the same pid (watched, not a guessed sleep).
  const std::string pid = std::to_string(left.at(0).at("pid").as_int64());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (processes_with(pid + ": sleep 987612").empty() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  BOOST_TEST(processes_with(pid + ": sleep 987612").size() == 1u, joined(processes_with("987612")));
  ::kill(static_cast<pid_t>(left.at(0).at("pid").as_int64()), SIGKILL);
}

BOOST_AUTO_TEST_CASE(stdin_binary_output_and_the_environment) {
  Cli cli;
  BOOST_TEST(data(shell(cli, {{"argv", {"cat"}}, {"stdin", "typed in\n"}})).at("stdout") == "typed in\n");
  BOOST_TEST(data(shell(cli, {{"argv", {"cat"}}})).at("stdout") == "");  // /dev/null

  const auto bin = data(shell(cli, {{"cmd", "printf 'a\\377b\\000c'"}, {"shell", true}}));
  BOOST_TEST(bin.at("stdout_utf8") == false);
  BOOST_TEST(bin.at("stdout_bytes") == 5);
  BOOST_TEST(bin.at("stdout") == json::value(std::string("a\xEF\xBF\xBD" "b") + std::string(1, '\0') + "c"));

  // A secret in the runtime's environment is not the command's unless named, and its value is
  // never journaled.
  const std::string secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
  auto run_with_secret = [&](const json::object &args) {
    const Captured c = run_capture({cli.bin, "run", "ShellExec", json::serialize(args), "--json", "--home", cli.home.string()}, {},
                                   {"RUNTIMO_CONFIG=" + cli.quiet_config.string(), "AWS_SECRET_ACCESS_KEY=" + secret});
    BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.err);
    return json::parse(c.out).at("data").as_object();
  };
  const auto plain = run_with_secret({{"argv", {"env"}}});
  BOOST_TEST(std::string(plain.at("stdout").as_string()).find(secret) == std::string::npos);
  BOOST_TEST(std::string(plain.at("stdout").as_string()).find("PATH=") != std::string::npos);
  const auto named = run_with_secret({{"argv", {"env"}}, {"inherit_env", {"AWS_SECRET_ACCESS_KEY"}}, {"env", {{"EXTRA", "1"}}}});
  BOOST_TEST(std::string(named.at("stdout").as_string()).find("AWS_SECRET_ACCESS_KEY=" + secret) != std::string::npos);
  BOOST_TEST(std::string(named.at("stdout").as_string()).find("EXTRA=1") != std::string::npos);
  for (const auto &e : cli.journal()) {
    const std::string line = json::serialize(e);
    // The command's own output is journaled cut to journal.max_output_bytes; the args never hold it.
    if (e.at("type") == "job.started") BOOST_TEST(line.find(secret) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_dry_run_runs_nothing_and_the_deny_list_refuses) {
  Cli cli;
  const fs::path made = cli.dir / "made";
  const auto plan = shell(cli, {{"argv", {"touch", made.string()}}}, nullptr, {"--dry-run"});
  BOOST_TEST(!fs::exists(made));
  BOOST_TEST(data(plan).at("dry_run") == true);
  BOOST_TEST(data(plan).at("denied") == false);
  BOOST_TEST(std::string(data(plan).at("executable").as_string()).ends_with("/touch"));
  const auto &names = data(plan).at("env_names").as_array();
  BOOST_TEST((std::find(names.begin(), names.end(), json::value("PATH")) != names.end()));

  std::ofstream(cli.quiet_config) << R"({"guard":{"enabled":false},"spawn":{"deny_programs":["touch","mkfs.*"]}})";
  int code = -1;
  const auto refused = shell(cli, {{"argv", {"touch", made.string()}}}, &code);
  BOOST_TEST(code == 3);
  BOOST_TEST(std::string(refused.at("error").at("message").as_string()).find("deny-list") != std::string::npos);
  BOOST_TEST(!fs::exists(made));
  BOOST_TEST(data(shell(cli, {{"argv", {"touch", made.string()}}}, nullptr, {"--dry-run"})).at("denied") == true);
}

BOOST_AUTO_TEST_CASE(a_declared_write_set_is_undone_exactly_and_a_later_change_is_a_conflict) {
  Cli cli;
  const fs::path tree = cli.dir / "work";
  fs::create_directories(tree / "src");
  write_bytes(tree / "src" / "a.txt", "alpha\n");
  write_bytes(tree / "b.txt", "beta\n");
  fs::create_symlink("src/a.txt", tree / "link");
  ::chmod((tree / "b.txt").c_str(), 0640);
  const auto before = listing(tree);

  const auto r = shell(cli, {{"argv", {"rm", "-r", tree.string()}}, {"writes", {tree.string()}}});
  BOOST_TEST(!fs::exists(tree));
  const auto &changes = data(r).at("changes").as_array();
  BOOST_TEST(changes.size() == 5u, json::serialize(changes));  // the tree and its four entries
  for (const auto &c : changes) BOOST_TEST(c.at("change") == "deleted");
  const std::string job(r.at("job_id").as_string());
  BOOST_TEST(cli({"undo", job}).exit_code == 0);
  BOOST_TEST((listing(tree) == before));

  // Run it again, then change the tree by another job: undo names the conflict and restores
  // nothing until --force.
  const auto again = shell(cli, {{"cmd", "sed -i s/beta/gamma/ b.txt && echo new > c.txt"}, {"shell", true}, {"cwd", tree.string()}, {"writes", {tree.string()}}});
  std::vector<std::string> changed;
  for (const auto &c : data(again).at("changes").as_array())
    changed.push_back(fs::path(std::string(c.at("path").as_string())).filename().string() + " " + std::string(c.at("change").as_string()));
  BOOST_TEST((changed == std::vector<std::string>{"b.txt modified", "c.txt created"}));
  const std::string job2(again.at("job_id").as_string());
  BOOST_TEST(cli({"run", "FileWrite", json::serialize(json::object{{"path", (tree / "c.txt").string()}, {"content", "later\n"}})}).exit_code == 0);
  int code = -1;
  const auto conflict = cli.json_of({"undo", job2}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(conflict.at("data").at("conflicts").at(0).at("path") == json::value(tree.string()), json::serialize(conflict));
  BOOST_TEST(read_file(tree / "b.txt") == "gamma\n");
  BOOST_TEST(cli({"undo", job2, "--force"}).exit_code == 0);
  BOOST_TEST((listing(tree) == before));
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(a_command_left_running_by_a_killed_runtime_is_ended_by_the_next_one_and_undone) {
  Cli cli;
  const fs::path dir = cli.dir / "w";
  fs::create_directories(dir);
  write_bytes(dir / "kept.txt", "before\n");
  const auto before = listing(dir);
  const json::object args{{"cmd", "echo changed > kept.txt; sleep 987641"}, {"shell", true}, {"cwd", dir.string()},
                          {"writes", {dir.string()}}, {"timeout_secs", 600}};
  LiveChild runner({cli.bin, "run", "ShellExec", json::serialize(args), "--home", cli.home.string(), "--config", cli.quiet_config.string()});
  // The command is running once its sleep is in /proc (watched, never a guessed sleep).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const auto sleeping = [] { return !processes_with(": sleep 987641").empty(); };
  while (!sleeping() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  BOOST_REQUIRE(sleeping());
  ::kill(runner.pid(), SIGKILL);
  runner.reap();

  // The next runtime to open the home journals the job interrupted and ends what it left.
  BOOST_TEST(cli({"run", "FileRead", json::serialize(json::object{{"path", (dir / "kept.txt").string()}})}).exit_code == 0);
  BOOST_TEST(processes_with("987641").empty(), joined(processes_with("987641")));
  std::string job;
  for (const auto &e : cli.journal())
    if (e.at("type") == "job.interrupted") job = std::string(e.at("job").as_string());
  BOOST_REQUIRE(!job.empty());
  BOOST_TEST(read_file(dir / "kept.txt") == "changed\n");
  // What the job left is unknown (its end recorded nothing), so undo asks for --force.
  int code = -1;
  const auto unsure = cli.json_of({"undo", job}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(std::string(unsure.at("data").at("conflicts").at(0).at("expected").as_string()).find("unknown") != std::string::npos);
  BOOST_TEST(cli({"undo", job, "--force"}).exit_code == 0);
  BOOST_TEST((listing(dir) == before));
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}
