// FileEdit as a user runs it (`runtimo run FileEdit …`, `runtimo undo JOB`), on real files in a
// temporary directory: one edit and edits in order; an ambiguous or missing match is refused
// naming the edit (and the count) with the file unchanged; replace_all; a CRLF file with a BOM
// edited with \n edits keeps both byte for byte (a mixed file is matched literally); several
// files are all or nothing — also when a write fails part-way; expected_sha256; a dry run
// shows the diff and changes nothing (no backup either); undo gives every file back byte for
// byte; paths outside the write prefixes are refused with exit 3; the journal keeps its
// promise throughout.
#define BOOST_TEST_MODULE file_edit_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fstream>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {


// `runtimo run FileEdit ARGS --json [--dry-run]`: the result object (exit code in `code`).
json::object file_edit(const Cli &cli, const json::object &args, int *code = nullptr, bool dry_run = false) {
  std::vector<std::string> a{"run", "FileEdit", json::serialize(args)};
  if (dry_run) a.push_back("--dry-run");
  return cli.json_of(a, code);
}

json::object edit(std::string old_text, std::string new_text, bool replace_all = false) {
  json::object e{{"old", old_text}, {"new", new_text}};
  if (replace_all) e["replace_all"] = true;
  return e;
}

json::object one_file(const fs::path &p, json::array edits) {
  return {{"path", p.string()}, {"edits", std::move(edits)}};
}

std::string job_of(const json::object &r) { return std::string(r.at("job_id").as_string()); }
std::string message_of(const json::object &r) { return std::string(r.at("error").at("message").as_string()); }
std::string hint_of(const json::object &r) { return std::string(r.at("error").at("hint").as_string()); }
const json::object &file_data(const json::object &r, std::size_t i = 0) {
  return r.at("data").at("files").at(i).as_object();
}
bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(one_edit_replaces_its_text_and_reports_digests_diff_and_undo) {
  Cli cli;
  const fs::path file = cli.dir / "notes.txt";
  write_bytes(file, "alpha\nbeta\ngamma\n");
  int code = -1;
  const auto r = file_edit(cli, one_file(file, {edit("beta", "BETA")}), &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == "alpha\nBETA\ngamma\n");
  const auto &f = file_data(r);
  BOOST_TEST(f.at("path") == json::value(file.string()));
  BOOST_TEST(f.at("resolved") == json::value(file.string()));
  BOOST_TEST(f.at("edits_applied") == 1);
  BOOST_TEST(f.at("replacements") == 1);
  BOOST_TEST(f.at("sha256_before").as_string().size() == 64u);
  BOOST_TEST(f.at("sha256_after").as_string().size() == 64u);
  BOOST_TEST(f.at("sha256_before") != f.at("sha256_after"));
  const std::string diff(f.at("diff").as_string());
  BOOST_TEST(has(diff, "@@ -1,3 +1,3 @@\n alpha\n-beta\n+BETA\n gamma\n"), diff);
  BOOST_TEST(r.at("data").at("backup").at("job") == json::value(job_of(r)));
  BOOST_TEST(r.at("data").at("backup").at("undo") == json::value("runtimo undo " + job_of(r)));
  BOOST_TEST(r.at("message") == json::value("Edited " + file.string() + " (1 replacement)"));
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(edits_apply_in_order_each_on_the_result_of_the_one_before) {
  Cli cli;
  const fs::path file = cli.dir / "order.txt";
  write_bytes(file, "one\ntwo\nthree\n");
  int code = -1;
  // The second edit's old text exists only once the first has been applied.
  const auto r = file_edit(cli, one_file(file, {edit("two", "deux"), edit("deux\nthree", "deux\ntrois")}), &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == "one\ndeux\ntrois\n");
  BOOST_TEST(file_data(r).at("edits_applied") == 2);
  BOOST_TEST(file_data(r).at("replacements") == 2);

  // An edit whose old text only the file as it was holds is told so.
  const fs::path other = cli.dir / "order2.txt";
  write_bytes(other, "a\nb\n");
  const auto refused = file_edit(cli, one_file(other, {edit("a", "A"), edit("a\nb", "x")}), &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(has(message_of(refused), "edit 2 of " + other.string() + ": old text not found"), message_of(refused));
  BOOST_TEST(has(hint_of(refused), "earlier edits"), hint_of(refused));
  BOOST_TEST(read_file(other) == "a\nb\n");
}

BOOST_AUTO_TEST_CASE(an_ambiguous_match_is_refused_with_its_count_and_the_file_is_unchanged) {
  Cli cli;
  const fs::path file = cli.dir / "dup.ini";
  const std::string original = "x=1\ny=2\nx=1\nz=3\nx=1\n";
  write_bytes(file, original);
  int code = -1;
  const auto r = file_edit(cli, one_file(file, {edit("y=2", "y=20"), edit("x=1", "x=10")}), &code);
  BOOST_TEST(code == 2, json::serialize(r));
  BOOST_TEST(r.at("error").at("kind") == "invalid_args");
  const std::string m = message_of(r);
  BOOST_TEST(has(m, "edit 2 of " + file.string()), m);
  BOOST_TEST(has(m, "found 3 times"), m);
  BOOST_TEST(has(m, "lines 1, 3 and 5"), m);
  BOOST_TEST(has(hint_of(r), "replace_all"), hint_of(r));
  BOOST_TEST(read_file(file) == original);  // not even the first edit was written
  BOOST_TEST(!fs::exists(cli.home / "backups" / job_of(r)));
}

BOOST_AUTO_TEST_CASE(a_missing_match_names_the_edit_and_gives_a_hint) {
  Cli cli;
  const fs::path file = cli.dir / "main.c";
  const std::string original = "int main() {\n    return 0;\n}\n";
  write_bytes(file, original);
  int code = -1;
  // The first line of old is in the file; the indentation of the second is not.
  const auto r = file_edit(cli, one_file(file, {edit("}", "}\n"), edit("int main() {\n  return 0;", "x")}), &code);
  BOOST_TEST(code == 2, json::serialize(r));
  BOOST_TEST(message_of(r) == "edit 2 of " + file.string() + ": old text not found; nothing was written");
  BOOST_TEST(has(hint_of(r), "line 1 is the first line of old"), hint_of(r));
  BOOST_TEST(read_file(file) == original);

  const auto absent = file_edit(cli, one_file(file, {edit("no such text", "x")}), &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(has(message_of(absent), "edit 1 of " + file.string() + ": old text not found"));
  BOOST_TEST(has(hint_of(absent), "read it again"), hint_of(absent));
}

BOOST_AUTO_TEST_CASE(replace_all_replaces_every_occurrence_and_an_edit_that_changes_nothing_is_reported) {
  Cli cli;
  const fs::path file = cli.dir / "names.py";
  write_bytes(file, "foo = 1\nprint(foo)\nfoofoo\n");
  int code = -1;
  const auto r = file_edit(cli, one_file(file, {edit("foo", "bar", true)}), &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == "bar = 1\nprint(bar)\nbarbar\n");
  BOOST_TEST(file_data(r).at("replacements") == 4);

  const auto same = file_edit(cli, one_file(file, {edit("print(bar)", "print(bar)")}), &code);
  BOOST_TEST(code == 0, json::serialize(same));
  BOOST_TEST(file_data(same).at("unchanged_edits") == json::array{1});
  BOOST_TEST(file_data(same).at("changed") == false);
  BOOST_TEST(has(std::string(same.at("message").as_string()), "changed nothing"));
  BOOST_TEST(read_file(file) == "bar = 1\nprint(bar)\nbarbar\n");
}

BOOST_AUTO_TEST_CASE(a_crlf_file_with_a_bom_keeps_both_byte_for_byte_when_edited_with_lf_edits) {
  Cli cli;
  const fs::path file = cli.dir / "win.txt";
  write_bytes(file, "\xEF\xBB\xBF" "first\r\nsecond\r\nthird\r\n");
  int code = -1;
  const auto r = file_edit(cli, one_file(file, {edit("second\nthird\n", "2nd\nthird\nfourth\n"), edit("first", "1st")}), &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == "\xEF\xBB\xBF" "1st\r\n2nd\r\nthird\r\nfourth\r\n");
  BOOST_TEST(file_data(r).at("line_endings") == "crlf");
  BOOST_TEST(file_data(r).at("bom") == true);

  // A file with both endings is matched literally: nothing is converted, nothing else changes.
  const fs::path mixed = cli.dir / "mixed.txt";
  write_bytes(mixed, "a\r\nb\nc\r\n");
  const auto m = file_edit(cli, one_file(mixed, {edit("b\n", "B\n")}), &code);
  BOOST_TEST(code == 0, json::serialize(m));
  BOOST_TEST(read_file(mixed) == "a\r\nB\nc\r\n");
  BOOST_TEST(file_data(m).at("line_endings") == "mixed");
}

BOOST_AUTO_TEST_CASE(several_files_are_all_or_nothing) {
  Cli cli;
  const fs::path a = cli.dir / "a.txt", b = cli.dir / "b.txt";
  write_bytes(a, "alpha\n");
  write_bytes(b, "beta\n");
  int code = -1;
  const json::object args{{"files", json::array{one_file(a, {edit("alpha", "ALPHA")}), one_file(b, {edit("gamma", "GAMMA")})}}};
  const auto r = file_edit(cli, args, &code);
  BOOST_TEST(code == 2, json::serialize(r));
  BOOST_TEST(has(message_of(r), "edit 1 of " + b.string() + " (files[1]): old text not found"), message_of(r));
  BOOST_TEST(read_file(a) == "alpha\n");  // the first file, whose edit matched, is unchanged too
  BOOST_TEST(read_file(b) == "beta\n");
  BOOST_TEST(!fs::exists(cli.home / "backups" / job_of(r)));

  // The same file twice (another name for it) is refused before anything is read.
  const json::object twice{{"files", json::array{one_file(a, {edit("alpha", "x")}),
                                                 one_file(cli.dir / "." / "a.txt", {edit("alpha", "y")})}}};
  const auto dup = file_edit(cli, twice, &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(has(message_of(dup), "are the same file"), message_of(dup));

  const json::object both{{"files", json::array{one_file(a, {edit("alpha", "ALPHA")}), one_file(b, {edit("beta", "BETA"), edit("\n", "!\n")})}}};
  const auto ok = file_edit(cli, both, &code);
  BOOST_TEST(code == 0, json::serialize(ok));
  BOOST_TEST(ok.at("message") == "Edited 2 files (3 replacements)");
  BOOST_TEST(read_file(a) == "ALPHA\n");
  BOOST_TEST(read_file(b) == "BETA!\n");
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(expected_sha256_refuses_a_file_that_changed_and_accepts_the_current_digest) {
  Cli cli;
  const fs::path file = cli.dir / "conf.txt";
  write_bytes(file, "port=80\n");
  int code = -1;
  const auto stale = file_edit(cli, {{"path", file.string()}, {"edits", json::array{edit("80", "8080")}}, {"expected_sha256", std::string(64, '0')}}, &code);
  BOOST_TEST(code == 1, json::serialize(stale));
  BOOST_TEST(has(message_of(stale), file.string() + " changed since it was read"), message_of(stale));
  BOOST_TEST(read_file(file) == "port=80\n");

  // A dry run reports the current digest; with it the edit goes through.
  const auto plan = file_edit(cli, one_file(file, {edit("80", "8080")}), &code, true);
  const std::string sha(file_data(plan).at("sha256_before").as_string());
  const auto ok = file_edit(cli, {{"path", file.string()}, {"edits", json::array{edit("80", "8080")}}, {"expected_sha256", sha}}, &code);
  BOOST_TEST(code == 0, json::serialize(ok));
  BOOST_TEST(read_file(file) == "port=8080\n");

  // In a list, the file that changed is named and no file is written.
  const fs::path other = cli.dir / "other.txt";
  write_bytes(other, "x\n");
  json::object changed = one_file(file, {edit("8080", "9090")});
  changed["expected_sha256"] = sha;  // the digest before the last edit
  const auto refused = file_edit(cli, {{"files", json::array{one_file(other, {edit("x", "y")}), changed}}}, &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(has(message_of(refused), file.string() + " (files[1]) changed since it was read"), message_of(refused));
  BOOST_TEST(read_file(other) == "x\n");
  BOOST_TEST(read_file(file) == "port=8080\n");
}

BOOST_AUTO_TEST_CASE(a_dry_run_returns_the_diff_and_changes_nothing_not_even_the_backups) {
  Cli cli;
  const fs::path file = cli.dir / "config.ini";
  write_bytes(file, "a=1\nb=2\nc=3\n");
  int code = -1;
  const auto r = file_edit(cli, one_file(file, {edit("b=2", "b=20")}), &code, true);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(r.at("dry_run") == true);
  const std::string diff(file_data(r).at("diff").as_string());
  BOOST_TEST(has(diff, "@@ -1,3 +1,3 @@\n a=1\n-b=2\n+b=20\n c=3\n"), diff);
  BOOST_TEST(!file_data(r).contains("sha256_after"));
  BOOST_TEST(has(std::string(r.at("message").as_string()), "nothing was changed"));
  BOOST_TEST(read_file(file) == "a=1\nb=2\nc=3\n");
  BOOST_TEST(!fs::exists(cli.home / "backups" / job_of(r)));
}

BOOST_AUTO_TEST_CASE(undo_restores_every_file_byte_for_byte) {
  Cli cli;
  const fs::path a = cli.dir / "a.cfg", b = cli.dir / "b.cfg";
  const std::string a0 = "\xEF\xBB\xBF" "key = value\r\nother = 1\r\n", b0 = "no final newline";
  write_bytes(a, a0);
  write_bytes(b, b0);
  int code = -1;
  const json::object args{{"files", json::array{one_file(a, {edit("value", "changed")}), one_file(b, {edit("final", "last", true)})}}};
  const auto r = file_edit(cli, args, &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(a) == "\xEF\xBB\xBF" "key = changed\r\nother = 1\r\n");
  BOOST_TEST(read_file(b) == "no last newline");
  BOOST_TEST(r.at("backups").as_array().size() == 2u);

  const Captured u = cli({"undo", job_of(r), "--json"});
  BOOST_TEST(u.exit_code == 0, u.out + u.err);
  BOOST_TEST(read_file(a) == a0);
  BOOST_TEST(read_file(b) == b0);
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}

BOOST_AUTO_TEST_CASE(paths_outside_the_write_prefixes_are_refused_with_exit_3) {
  Cli cli;
  int code = -1;
  const std::string hostname = read_file("/etc/hostname");
  file_edit(cli, one_file("/etc/hostname", {edit("a", "b", true)}), &code);
  BOOST_TEST(code == 3);
  BOOST_TEST(read_file("/etc/hostname") == hostname);
  // Also through a symlink that leads out of the prefixes.
  fs::create_symlink("/etc", cli.dir / "link");
  file_edit(cli, one_file(cli.dir / "link" / "hostname", {edit("a", "b", true)}), &code);
  BOOST_TEST(code == 3);
  BOOST_TEST(read_file("/etc/hostname") == hostname);
  // And as one file of several: the allowed one is not changed either.
  const fs::path ok = cli.dir / "ok.txt";
  write_bytes(ok, "a\n");
  file_edit(cli, {{"files", json::array{one_file(ok, {edit("a", "b")}), one_file("/etc/hostname", {edit("a", "b", true)})}}}, &code);
  BOOST_TEST(code == 3);
  BOOST_TEST(read_file(ok) == "a\n");
}

BOOST_AUTO_TEST_CASE(binary_and_missing_files_are_refused) {
  Cli cli;
  int code = -1;
  const fs::path bin = cli.dir / "blob.bin";
  write_bytes(bin, std::string("ab\0cd", 5));
  const auto r = file_edit(cli, one_file(bin, {edit("ab", "x")}), &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(has(message_of(r), "is not UTF-8 text"), message_of(r));
  BOOST_TEST(has(hint_of(r), "content_base64"));
  const auto missing = file_edit(cli, one_file(cli.dir / "nope.txt", {edit("a", "b")}), &code);
  BOOST_TEST(code == 1);
  BOOST_TEST(missing.at("error").at("kind") == "not_found");
  BOOST_TEST(!fs::exists(cli.dir / "nope.txt"));
}

BOOST_AUTO_TEST_CASE(replace_all_over_thousands_of_lines_gives_a_diff_of_just_those_lines) {
  Cli cli;
  const fs::path file = cli.dir / "big.txt";
  std::string text, expected;
  for (int i = 0; i < 6000; ++i) {
    text += (i % 2 == 0 ? "old " : "keep ") + std::to_string(i) + "\n";
    expected += (i % 2 == 0 ? "new " : "keep ") + std::to_string(i) + "\n";
  }
  write_bytes(file, text);
  int code = -1;
  const auto r = file_edit(cli, one_file(file, {edit("old ", "new ", true)}), &code);
  BOOST_TEST(code == 0, json::serialize(r));
  BOOST_TEST(read_file(file) == expected);
  BOOST_TEST(file_data(r).at("replacements") == 3000);
  // 3000 lines out, 3000 in, each with its context: not the whole file twice.
  std::size_t removed = 0, added = 0, others = 0;
  std::istringstream diff(std::string(file_data(r).at("diff").as_string()));
  for (std::string line; std::getline(diff, line);) {
    if (line.starts_with("-old ")) ++removed;
    else if (line.starts_with("+new ")) ++added;
    else if (line.starts_with("-") || line.starts_with("+")) ++others;
  }
  BOOST_TEST(removed == 3000u);
  BOOST_TEST(added == 3000u);
  BOOST_TEST(others == 2u);  // the --- and +++ lines
}

// A write that fails part-way (here: the second file's directory is immutable, so the host
// cannot put a new file there) puts the first file back and says which file failed.
BOOST_AUTO_TEST_CASE(a_write_that_fails_part_way_puts_back_the_files_already_written) {
  Cli cli;
  const fs::path a = cli.dir / "first.txt", locked = cli.dir / "locked", b = locked / "second.txt";
  fs::create_directory(locked);
  write_bytes(a, "one\n");
  write_bytes(b, "two\n");
  const int dir = ::open(locked.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  BOOST_REQUIRE(dir >= 0);
  int flags = 0;
  if (::ioctl(dir, FS_IOC_GETFLAGS, &flags) != 0 || (flags |= FS_IMMUTABLE_FL, ::ioctl(dir, FS_IOC_SETFLAGS, &flags)) != 0) {
    ::close(dir);
    BOOST_TEST_MESSAGE("skipped: cannot make a directory immutable here (needs root and a filesystem with chattr +i)");
    return;
  }
  struct Unlock {
    int fd;
    ~Unlock() {
      int f = 0;
      if (::ioctl(fd, FS_IOC_GETFLAGS, &f) == 0) {
        f &= ~FS_IMMUTABLE_FL;
        ::ioctl(fd, FS_IOC_SETFLAGS, &f);
      }
      ::close(fd);
    }
  } unlock{dir};

  int code = -1;
  const json::object args{{"files", json::array{one_file(a, {edit("one", "ONE")}), one_file(b, {edit("two", "TWO")})}}};
  const auto r = file_edit(cli, args, &code);
  BOOST_TEST(code != 0, json::serialize(r));
  const std::string m = message_of(r);
  BOOST_TEST(has(m, "writing " + b.string() + " (files[1]) failed"), m);
  BOOST_TEST(has(m, "immutable"), m);  // the likely cause, as the plugin sees it
  BOOST_TEST(has(m, "put back as they were (" + a.string() + ")"), m);
  BOOST_TEST(read_file(a) == "one\n");
  BOOST_TEST(read_file(b) == "two\n");
  BOOST_TEST(journal_violations(cli.home / "wal").empty());
}
