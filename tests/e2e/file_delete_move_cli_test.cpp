// FileDelete and FileMove as a user runs them, and their undo: a directory tree removed
// recursively comes back exactly (every entry's kind, mode, mtime, content and link target); a
// directory that is not empty is not removed without `recursive`; removing a symlink leaves
// its target alone; a move across directories is moved back, and what an overwrite replaced
// comes back too; a move onto an existing path is refused without `overwrite`.
#define BOOST_TEST_MODULE file_delete_move_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"
#include "tree_listing.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::object run(const Cli &cli, const std::string &capability, const json::object &args, int *code) {
  return cli.json_of({"run", capability, json::serialize(args)}, code);
}

int undo(const Cli &cli, const json::object &job_result) {
  return cli({"undo", std::string(job_result.at("job_id").as_string())}).exit_code;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_tree_removed_recursively_comes_back_exactly) {
  Cli cli;
  const fs::path tree = cli.dir / "project";
  fs::create_directories(tree / "src" / "empty");
  write_bytes(tree / "src" / "main.c", "int main(void) { return 0; }\n");
  write_bytes(tree / "README", "hello\n");
  ::chmod((tree / "README").c_str(), 0600);
  fs::create_symlink("src/main.c", tree / "link");
  fs::create_symlink("/etc/passwd", tree / "outside");  // removed as a link, never followed
  ::chmod((tree / "src").c_str(), 0750);
  const auto before = listing(tree);
  struct stat tree_st {};
  ::lstat(tree.c_str(), &tree_st);

  int code = -1;
  run(cli, "FileDelete", {{"path", tree.string()}}, &code);
  BOOST_TEST(code == 1);  // not empty, and not recursive: nothing removed
  BOOST_TEST((listing(tree) == before));

  const auto r = run(cli, "FileDelete", {{"path", tree.string()}, {"recursive", true}}, &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(!fs::exists(tree));
  BOOST_TEST(fs::exists("/etc/passwd"));

  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST((listing(tree) == before));
  struct stat back {};
  ::lstat(tree.c_str(), &back);
  BOOST_TEST((back.st_mode & 07777) == (tree_st.st_mode & 07777));
  BOOST_TEST(back.st_mtim.tv_sec == tree_st.st_mtim.tv_sec);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(removing_a_symlink_leaves_its_target_and_undo_puts_the_link_back) {
  Cli cli;
  write_bytes(cli.dir / "target.txt", "kept");
  fs::create_symlink(cli.dir / "target.txt", cli.dir / "link");
  int code = -1;
  const auto r = run(cli, "FileDelete", {{"path", (cli.dir / "link").string()}}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(r.at("data").at("kind") == "symlink");
  BOOST_TEST(!fs::is_symlink(cli.dir / "link"));
  BOOST_TEST(read_file(cli.dir / "target.txt") == "kept");
  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST(fs::read_symlink(cli.dir / "link") == cli.dir / "target.txt");
}

BOOST_AUTO_TEST_CASE(a_move_is_moved_back_and_what_an_overwrite_replaced_comes_back) {
  Cli cli;
  fs::create_directories(cli.dir / "a");
  fs::create_directories(cli.dir / "b");
  write_bytes(cli.dir / "a" / "f.txt", "moving");
  write_bytes(cli.dir / "b" / "g.txt", "replaced");
  int code = -1;
  run(cli, "FileMove", {{"from", (cli.dir / "a" / "f.txt").string()}, {"to", (cli.dir / "b" / "g.txt").string()}}, &code);
  BOOST_TEST(code == 1);  // the destination exists
  BOOST_TEST(read_file(cli.dir / "b" / "g.txt") == "replaced");

  const auto r = run(cli, "FileMove", {{"from", (cli.dir / "a" / "f.txt").string()}, {"to", (cli.dir / "b" / "g.txt").string()}, {"overwrite", true}}, &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(!fs::exists(cli.dir / "a" / "f.txt"));
  BOOST_TEST(read_file(cli.dir / "b" / "g.txt") == "moving");

  BOOST_TEST(undo(cli, r) == 0);
  BOOST_TEST(read_file(cli.dir / "a" / "f.txt") == "moving");
  BOOST_TEST(read_file(cli.dir / "b" / "g.txt") == "replaced");
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}
