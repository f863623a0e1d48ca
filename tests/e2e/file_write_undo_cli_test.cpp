// FileWrite and Undo as a user runs them (`runtimo run FileWrite …`, `runtimo undo JOB`): every
// write mode round-trips through undo byte for byte and metadata for metadata; a dry run shows
// a diff and changes nothing (no backup either); expected_sha256 refuses a stale write;
// symlink escapes and paths outside the write prefixes are refused with exit 3; undo refuses a
// job that changed nothing, a path changed since (naming it) unless --force, and a second undo;
// an undo can itself be undone; the journal keeps its promise throughout.
#define BOOST_TEST_MODULE file_write_undo_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/xattr.h>

#include <fstream>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {


struct Stat {
  mode_t mode;
  std::int64_t mtime_ns;
};
Stat stat_of(const fs::path &p) {
  struct stat st {};
  BOOST_REQUIRE(::lstat(p.c_str(), &st) == 0);
  return Stat{st.st_mode & 07777, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
}

void set_mtime(const fs::path &p, std::int64_t seconds) {
  const timespec times[2] = {{seconds, 0}, {seconds, 0}};
  BOOST_REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
}

// `runtimo run FileWrite ARGS --json`: the result object (exit code in `code`).
json::object file_write(const Cli &cli, const json::object &args, int *code = nullptr, bool dry_run = false) {
  std::vector<std::string> a{"run", "FileWrite", json::serialize(args)};
  if (dry_run) a.push_back("--dry-run");
  return cli.json_of(a, code);
}

json::object undo(const Cli &cli, const std::string &job, std::vector<std::string> extra, int *code = nullptr) {
  extra.insert(extra.begin(), {"undo", job});
  return cli.json_of(extra, code);
}

std::string job_of(const json::object &r) { return std::string(r.at("job_id").as_string()); }

}  // namespace

BOOST_AUTO_TEST_CASE(an_overwrite_keeps_the_file_and_undo_gives_it_back_byte_for_byte) {
  Cli cli;
  const fs::path file = cli.dir / "crlf.txt";
  const std::string original = "\xEF\xBB\xBFline one\r\nline two\r\n";  // a BOM and CRLF endings
  write_bytes(file, original);
  ::chmod(file.c_str(), 0751);
  set_mtime(file, 1600000000);
  const bool has_xattr = ::setxattr(file.c_str(), "user.runtimo-test", "v1", 2, 0) == 0;
  const Stat before = stat_of(file);

  int code = -1;
  const auto r = file_write(cli, {{"path", file.string()}, {"content", "new\n"}}, &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == "new\n");
  BOOST_TEST(stat_of(file).mode == 0751u);  // the old file's mode is kept
  BOOST_TEST(r.at("data").at("created") == false);
  BOOST_TEST(r.at("data").at("sha256_before").is_string());
  BOOST_TEST(r.at("backups").as_array().size() == 1u);
  if (has_xattr) {
    char value[8] = {};
    BOOST_TEST(::getxattr(file.c_str(), "user.runtimo-test", value, sizeof value) == 2);
  }

  const auto u = undo(cli, job_of(r), {}, &code);
  BOOST_TEST(code == 0, json::serialize(u));
  BOOST_TEST(read_file(file) == original);
  BOOST_TEST(stat_of(file).mode == before.mode);
  BOOST_TEST(stat_of(file).mtime_ns == before.mtime_ns);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(create_new_with_parents_is_undone_by_removing_what_it_created) {
  Cli cli;
  const fs::path file = cli.dir / "a" / "b" / "new.txt";
  int code = -1;
  const auto r = file_write(cli, {{"path", file.string()}, {"content", "x"}, {"mode", "create_new"}, {"create_parents", true}}, &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == "x");
  BOOST_TEST(r.at("data").at("created") == true);
  // A second create_new of the same path is refused and changes nothing.
  file_write(cli, {{"path", file.string()}, {"content", "y"}, {"mode", "create_new"}}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(read_file(file) == "x");

  undo(cli, job_of(r), {}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(!fs::exists(cli.dir / "a"));  // the file and both directories it created are gone
}

// Creating, replacing or removing an entry changes its directory's mtime; undo puts it back,
// so the tree's listing (directories included) is what it was.
BOOST_AUTO_TEST_CASE(undo_puts_back_the_mtime_of_the_directories_it_changed) {
  Cli cli;
  const fs::path dir = cli.dir / "tree", sub = dir / "sub", file = sub / "f.txt";
  fs::create_directories(sub);
  write_bytes(file, "old\n");
  set_mtime(sub, 1000000000);
  set_mtime(dir, 1100000000);
  int code = -1;
  const auto replaced = file_write(cli, {{"path", file.string()}, {"content", "new\n"}}, &code);
  BOOST_REQUIRE(code == 0);
  const auto created = file_write(
      cli, {{"path", (dir / "made" / "deep" / "n.txt").string()}, {"content", "n"}, {"create_parents", true}}, &code);
  BOOST_REQUIRE(code == 0);
  BOOST_TEST(stat_of(sub).mtime_ns != 1000000000LL * 1000000000LL);
  BOOST_TEST(stat_of(dir).mtime_ns != 1100000000LL * 1000000000LL);

  undo(cli, job_of(created), {}, &code);
  BOOST_TEST(code == 0);
  undo(cli, job_of(replaced), {}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(read_file(file) == "old\n");
  BOOST_TEST(!fs::exists(dir / "made"));
  BOOST_TEST(stat_of(sub).mtime_ns == 1000000000LL * 1000000000LL);
  BOOST_TEST(stat_of(dir).mtime_ns == 1100000000LL * 1000000000LL);
}

BOOST_AUTO_TEST_CASE(an_append_is_undone_and_a_stale_write_is_refused) {
  Cli cli;
  const fs::path file = cli.dir / "log.txt";
  write_bytes(file, "one\n");
  int code = -1;
  const auto r = file_write(cli, {{"path", file.string()}, {"content", "two\n"}, {"mode", "append"}}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(read_file(file) == "one\ntwo\n");

  // expected_sha256 of the old content: the file changed since, so the write is refused.
  const std::string old_sha(r.at("data").at("sha256_before").as_string());
  const auto stale = file_write(cli, {{"path", file.string()}, {"content", "three\n"}, {"expected_sha256", old_sha}}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(std::string(stale.at("error").at("message").as_string()).find("changed since it was read") != std::string::npos);
  BOOST_TEST(read_file(file) == "one\ntwo\n");
  // With the current digest it goes through.
  const std::string now_sha(r.at("data").at("sha256_after").as_string());
  file_write(cli, {{"path", file.string()}, {"content", "three\n"}, {"expected_sha256", now_sha}}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(read_file(file) == "three\n");
}

BOOST_AUTO_TEST_CASE(a_dry_run_shows_the_diff_and_changes_nothing_not_even_the_backups) {
  Cli cli;
  const fs::path file = cli.dir / "config.ini";
  write_bytes(file, "a=1\nb=2\nc=3\n");
  int code = -1;
  const auto r = file_write(cli, {{"path", file.string()}, {"content", "a=1\nb=20\nc=3\n"}}, &code, true);
  BOOST_TEST(code == 0, json::serialize(r));
  const std::string diff(r.at("data").at("diff").as_string());
  BOOST_TEST(diff.find("-b=2\n+b=20\n") != std::string::npos, diff);
  BOOST_TEST(diff.find("@@ -1,3 +1,3 @@") != std::string::npos, diff);
  BOOST_TEST(diff.starts_with("--- a/" + file.string().substr(1) + "\n+++ b/"), diff);  // as git prints an absolute path
  BOOST_TEST(read_file(file) == "a=1\nb=2\nc=3\n");
  BOOST_TEST(!fs::exists(cli.home / "backups" / job_of(r)));
}

BOOST_AUTO_TEST_CASE(symlink_escapes_and_paths_outside_the_write_prefixes_are_refused_with_exit_3) {
  Cli cli;
  fs::create_symlink("/etc", cli.dir / "link");
  int code = -1;
  file_write(cli, {{"path", (cli.dir / "link" / "runtimo-test-new").string()}, {"content", "x"}}, &code);
  BOOST_TEST(code == 3);
  BOOST_TEST(!fs::exists("/etc/runtimo-test-new"));
  file_write(cli, {{"path", "/etc/shadow"}, {"content", "x"}}, &code);
  BOOST_TEST(code == 3);
}

BOOST_AUTO_TEST_CASE(undo_refuses_what_it_cannot_take_back_and_names_conflicts) {
  Cli cli;
  const fs::path file = cli.dir / "f.txt";
  write_bytes(file, "v1");
  int code = -1;

  // A read-only job changed nothing.
  const Captured read = cli({"run", "FileRead", json::serialize(json::object{{"path", file.string()}}), "--json"});
  const std::string read_job(json::parse(read.out).at("job_id").as_string());
  undo(cli, read_job, {}, &code);
  BOOST_TEST(code == 2);

  const auto w = file_write(cli, {{"path", file.string()}, {"content", "v2"}}, &code);
  BOOST_TEST(code == 0);
  write_bytes(file, "v3 by someone else");
  const auto refused = undo(cli, job_of(w), {}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(refused.at("data").at("conflicts").at(0).at("path") == json::value(file.string()));
  BOOST_TEST(read_file(file) == "v3 by someone else");  // nothing restored

  // --force restores it, backing up what it replaces; that undo can be undone in turn.
  const auto forced = undo(cli, job_of(w), {"--force"}, &code);
  BOOST_TEST(code == 0, json::serialize(forced));
  BOOST_TEST(read_file(file) == "v1");
  undo(cli, job_of(w), {}, &code);
  BOOST_TEST(code == 1);  // already undone
  undo(cli, job_of(forced), {}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(read_file(file) == "v3 by someone else");
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(an_undo_dry_run_lists_and_changes_nothing) {
  Cli cli;
  const fs::path file = cli.dir / "g.txt";
  write_bytes(file, "before");
  int code = -1;
  const auto w = file_write(cli, {{"path", file.string()}, {"content", "after"}}, &code);
  const auto plan = undo(cli, job_of(w), {"--dry-run"}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(plan.at("data").at("restored").at(0).at("path") == json::value(file.string()));
  BOOST_TEST(read_file(file) == "after");
  undo(cli, job_of(w), {}, &code);  // the dry run did not count as an undo
  BOOST_TEST(code == 0);
  BOOST_TEST(read_file(file) == "before");
}

namespace {
// sha256sum's digest of `p`: computed apart from the runtime.
std::string sha256sum(const fs::path &p) {
  const std::string cmd = "sha256sum '" + p.string() + "'";
  std::FILE *f = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(f != nullptr);
  char hex[65] = {};
  BOOST_REQUIRE(std::fread(hex, 1, 64, f) == 64);
  ::pclose(f);
  return std::string(hex, 64);
}
}  // namespace

// A file large enough for the pre-image to be digested on a second thread while it is copied
// (40 MiB), appended to: the digests the job reports — before, from its pre-image; after, from
// what the host wrote, without reading the file again — are the file's own, and undo, which
// checks the stored copy against the recorded digest, gives the file back exactly.
BOOST_AUTO_TEST_CASE(a_large_append_reports_true_digests_and_undo_restores_it) {
  Cli cli;
  const fs::path file = cli.dir / "big.bin";
  std::string bytes(40u << 20, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 13);
  write_bytes(file, bytes);
  const std::string before = sha256sum(file);
  int code = -1;
  const auto r = file_write(cli, {{"path", file.string()}, {"content", "tail\n"}, {"mode", "append"}}, &code);
  BOOST_REQUIRE(code == 0);
  BOOST_TEST(std::string(r.at("data").at("sha256_before").as_string()) == before);
  const std::string after = sha256sum(file);
  BOOST_TEST(after != before);
  BOOST_TEST(std::string(r.at("data").at("sha256_after").as_string()) == after);
  undo(cli, job_of(r), {}, &code);
  BOOST_TEST(code == 0);
  BOOST_TEST(sha256sum(file) == before);
}
