// Crash safety of what changes files, shown by killing the runtime (strace injects SIGKILL at
// the n-th call of a syscall, for every n):
//   * a FileWrite of 1 MiB over a 1 MiB file killed anywhere leaves the old file or the new
//     one, never a mix; the journal keeps its promise; and the job can be taken back (undo
//     --force for a job that was interrupted, since its end did not record what it left);
//   * an undo killed anywhere is completed by running it again: the tree ends exactly as it
//     was before the job (a file back to its content, the directories the job created gone).
#define BOOST_TEST_MODULE write_crash
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "journal_invariants.hpp"

#include <boost/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <fstream>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string kStrace = "/usr/bin/strace";

std::vector<std::string> with_home(const Cli &cli, std::vector<std::string> args) {
  args.insert(args.begin(), cli.bin);
  args.push_back("--home");
  args.push_back(cli.home.string());
  return args;
}

// Runs `args` under strace, killed at the n-th call of `syscall` (n = 0: counts the calls).
Captured under_strace(const Cli &cli, const std::vector<std::string> &args, const std::string &syscall, int n,
                      int *count = nullptr) {
  const fs::path trace = cli.dir / "trace.txt";
  std::vector<std::string> argv{kStrace, "-f", "-qq", "-o", n == 0 ? trace.string() : "/dev/null", "-e", "trace=" + syscall};
  if (n > 0) argv.insert(argv.end(), {"-e", "inject=" + syscall + ":signal=KILL:when=" + std::to_string(n)});
  for (auto &a : with_home(cli, args)) argv.push_back(a);
  Captured c = run_capture(argv, {}, {"RUNTIMO_CONFIG=" + cli.quiet_config.string()});
  if (count != nullptr) {
    std::ifstream in(trace);
    *count = 0;
    for (std::string line; std::getline(in, line);)
      if (line.find(syscall + "(") != std::string::npos) ++*count;
  }
  return c;
}

// The id of the newest job of `capability` in the journal ("" when none).
std::string newest_job(const Cli &cli, const std::string &capability) {
  std::string id;
  for (const auto &e : cli.journal())
    if (e.at("type") == "job.started" && e.at("capability") == json::value(capability)) id = std::string(e.at("job").as_string());
  return id;
}

bool has_backup(const Cli &cli, const std::string &job) {
  for (const auto &e : cli.journal(job))
    if (e.at("type") == "job.backup") return true;
  return false;
}

const std::vector<std::string> kSyscalls{"write", "fsync", "fdatasync", "openat", "renameat", "renameat2",
                                          "copy_file_range", "mkdirat", "unlinkat", "fchmod", "utimensat"};

// Runs `write` (a FileWrite of `file`) killed at every call of each of `syscalls`. After each
// kill `file` holds `old_content` or `new_content`, never a mix; the next runtime recovers the
// journal (a FileRead of `readable`); a job that journaled a backup is taken back by undo
// --force, to `old_content`. Returns how many runs were killed.
int kill_at_every_call(Cli &cli, const std::vector<std::string> &write, const std::vector<std::string> &syscalls,
                       const fs::path &file, const std::string &old_content, const std::string &new_content,
                       const fs::path &readable) {
  const auto reset = [&] { std::ofstream(file, std::ios::binary | std::ios::trunc) << old_content; };
  int kills = 0;
  for (const std::string &syscall : syscalls) {
    reset();
    int calls = 0;
    under_strace(cli, write, syscall, 0, &calls);
    for (int n = 1; n <= calls; ++n) {
      reset();
      const Captured killed = under_strace(cli, write, syscall, n);
      BOOST_TEST_INFO("FileWrite killed at " << syscall << " #" << n << ": " << killed.err);
      BOOST_TEST((killed.exit_code == 128 + SIGKILL || killed.exit_code == 0));
      if (killed.exit_code == 128 + SIGKILL) ++kills;
      const std::string now = read_file(file);
      BOOST_TEST((now == old_content || now == new_content), "a mix of " << now.size() << " bytes");
      const std::string job = newest_job(cli, "FileWrite");
      BOOST_REQUIRE(cli({"run", "FileRead", json::serialize(json::object{{"path", readable.string()}, {"max_bytes", 1}})}).exit_code == 0);
      if (has_backup(cli, job)) {
        const Captured u = cli({"undo", job, "--force", "--json"});
        BOOST_TEST((u.exit_code == 0 || (u.out + u.err).find("already undone") != std::string::npos), u.err << u.out);
        BOOST_TEST((read_file(file) == old_content));
      }
      const auto problems = journal_violations(cli.home / "wal");
      for (const auto &p : problems) BOOST_ERROR("killed at " << syscall << " #" << n << ": " << p);
      if (!problems.empty()) return kills;
    }
  }
  return kills;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_file_write_killed_anywhere_leaves_the_old_file_or_the_new_one) {
  BOOST_REQUIRE_MESSAGE(::access(kStrace.c_str(), X_OK) == 0, "strace is not installed: run .ci/install-deps");
  Cli cli;
  const fs::path file = cli.dir / "big.txt";
  const std::string old_content(1 << 20, 'o'), new_content(1 << 20, 'n');
  const fs::path args_file = cli.dir / "args.json";
  std::ofstream(args_file) << json::serialize(json::object{{"path", file.string()}, {"content", new_content}});
  const std::vector<std::string> write{"run", "FileWrite", "--args-file", args_file.string(), "--json"};
  std::ofstream(file, std::ios::binary | std::ios::trunc) << old_content;
  BOOST_REQUIRE(cli(write).exit_code == 0);  // the home exists; the plugin's schema is known
  const int kills = kill_at_every_call(cli, write, kSyscalls, file, old_content, new_content, args_file);
  BOOST_TEST_MESSAGE(kills << " kills during FileWrite");
  BOOST_TEST(kills > 20);
}

// A file of 32 MiB or more is copied into the store with O_DIRECT writes from buffers a second
// thread digests (backup/direct_copy.hpp): killed at any read, write, flag change or sync of
// that copy, the original is untouched and the append happens whole or not at all.
BOOST_AUTO_TEST_CASE(a_large_pre_image_killed_anywhere_leaves_the_file_whole) {
  BOOST_REQUIRE_MESSAGE(::access(kStrace.c_str(), X_OK) == 0, "strace is not installed: run .ci/install-deps");
  Cli cli;
  const fs::path file = cli.dir / "large.bin";
  std::string old_content((40u << 20) + 100u, '\0');
  for (std::size_t i = 0; i < old_content.size(); ++i) old_content[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  const std::string new_content = old_content + "appended";
  const fs::path args_file = cli.dir / "args.json";
  std::ofstream(args_file) << json::serialize(json::object{{"path", file.string()}, {"content", "appended"}, {"mode", "append"}});
  const std::vector<std::string> write{"run", "FileWrite", "--args-file", args_file.string(), "--json"};
  std::ofstream(file, std::ios::binary | std::ios::trunc) << old_content;
  BOOST_REQUIRE(cli(write).exit_code == 0);
  BOOST_REQUIRE(read_file(file) == new_content);
  const int kills = kill_at_every_call(cli, write, {"pread64", "pwrite64", "fcntl", "fsync"}, file, old_content,
                                       new_content, args_file);
  BOOST_TEST_MESSAGE(kills << " kills during a large pre-image");
  BOOST_TEST(kills > 20);
}

BOOST_AUTO_TEST_CASE(an_undo_killed_anywhere_is_completed_by_running_it_again) {
  BOOST_REQUIRE_MESSAGE(::access(kStrace.c_str(), X_OK) == 0, "strace is not installed: run .ci/install-deps");
  int kills = 0;
  for (const std::string &syscall : kSyscalls) {
    int calls = -1;
    for (int n = 0; n <= calls || calls < 0; ++n) {
      // A job that changed three paths: a file overwritten, two directories and a file created.
      Cli cli;
      const fs::path kept = cli.dir / "kept.txt", made = cli.dir / "a" / "b" / "made.txt";
      std::ofstream(kept) << "before";
      const auto job_of = [&](const Captured &c) { return std::string(json::parse(c.out).at("job_id").as_string()); };
      const Captured w1 = cli({"run", "FileWrite", json::serialize(json::object{{"path", kept.string()}, {"content", "after"}}), "--json"});
      BOOST_REQUIRE(w1.exit_code == 0);
      const Captured w2 = cli({"run", "FileWrite", json::serialize(json::object{{"path", made.string()}, {"content", "x"}, {"create_parents", true}}), "--json"});
      BOOST_REQUIRE(w2.exit_code == 0);
      const std::vector<std::string> undo1{"undo", job_of(w1), "--json"}, undo2{"undo", job_of(w2), "--json"};
      if (n == 0) {  // count the calls of one undo
        under_strace(cli, undo2, syscall, 0, &calls);
        continue;
      }
      const Captured killed = under_strace(cli, undo2, syscall, n);
      if (killed.exit_code == 128 + SIGKILL) ++kills;
      BOOST_TEST_INFO("undo killed at " << syscall << " #" << n << ": " << killed.err);
      const Captured again = cli(undo2);
      BOOST_TEST((again.exit_code == 0 || (again.out + again.err).find("already undone") != std::string::npos), again.err << again.out);
      BOOST_TEST(!fs::exists(cli.dir / "a"));
      BOOST_REQUIRE(cli(undo1).exit_code == 0);
      BOOST_TEST(read_file(kept) == "before");
      const auto problems = journal_violations(cli.home / "wal");
      for (const auto &p : problems) BOOST_ERROR("undo killed at " << syscall << " #" << n << ": " << p);
      if (!problems.empty()) return;
    }
  }
  BOOST_TEST_MESSAGE(kills << " kills during undo");
  BOOST_TEST(kills > 20);
}
