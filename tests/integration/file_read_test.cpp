// FileRead through the whole pipeline: real files, symlinks, FIFOs, devices, /proc, the path
// policy. Secrets of real processes (a child with SECRET_TOKEN in its environment, the runtime
// itself) are refused and appear nowhere; FIFOs and devices are refused without being opened
// (inotify sees no open, a blocked FIFO writer stays blocked); buffers are sized from the file.
#define BOOST_TEST_MODULE file_read
#include <boost/test/unit_test.hpp>

#include "../../plugins/file_read/read_plan.hpp"
#include "cli_runner.hpp"
#include "open_watch.hpp"
#include "runtime_fixture.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

std::filesystem::path write(const TempDir &dir, const std::string &name, const std::string &bytes) {
  const auto p = dir / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(file_read_returns_the_content_of_a_text_file) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "hello.txt", "hello, world\n");
  const JobResult r = f.run("FileRead", {{"path", p.string()}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string() == "hello, world\n");
  BOOST_TEST(r.data.at("encoding").as_string() == "utf-8");
  BOOST_TEST(r.data.at("bytes_read").to_number<int>() == 13);
  BOOST_TEST(!r.data.at("truncated").as_bool());
}

BOOST_AUTO_TEST_CASE(file_read_cut_inside_a_utf8_character_never_fails) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "accent.txt", "a\xC3\xA9z");  // a é z
  const JobResult r = f.run("FileRead", {{"path", p.string()}, {"max_bytes", 2}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string() == "a");
  BOOST_TEST(r.data.at("encoding").as_string() == "utf-8");
  BOOST_TEST(r.data.at("truncated").as_bool());
}

BOOST_AUTO_TEST_CASE(file_read_returns_binary_content_as_base64) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "bin", std::string("\xff\x00\xfe\x01", 4));
  const JobResult r = f.run("FileRead", {{"path", p.string()}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("encoding").as_string() == "base64");
  BOOST_TEST(r.data.at("content").as_string() == "/wD+AQ==");
}

BOOST_AUTO_TEST_CASE(file_read_honours_offset_and_reads_a_prefix_of_a_large_file) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "big", std::string(12u << 20, 'x') + "tail");
  const JobResult r = f.run("FileRead", {{"path", p.string()}, {"offset", 12u << 20}, {"max_bytes", 100}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string() == "tail");
  const JobResult head = f.run("FileRead", {{"path", p.string()}, {"max_bytes", 10}});
  BOOST_TEST(head.success);
  BOOST_TEST(head.data.at("truncated").as_bool());
}

BOOST_AUTO_TEST_CASE(file_read_reads_proc_files_whose_size_is_zero) {
  RuntimeFixture f;
  const JobResult r = f.run("FileRead", {{"path", "/proc/self/status"}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string().find("Pid:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_read_refuses_protected_files_with_exit_3) {
  RuntimeFixture f;
  const JobResult r = f.run("FileRead", {{"path", "/etc/shadow"}});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.exit_code() == 3);
  for (const auto &e : f.journal_of(r.job_id)) BOOST_TEST(RuntimeFixture::type_of(e) != "job.started");
}

BOOST_AUTO_TEST_CASE(file_read_resolves_symlinks_before_the_policy_check) {
  RuntimeFixture f;
  TempDir dir;
  std::filesystem::create_symlink("/etc/shadow", dir / "innocent.txt");
  const JobResult r = f.run("FileRead", {{"path", (dir / "innocent.txt").string()}});
  BOOST_TEST(r.exit_code() == 3);
}

BOOST_AUTO_TEST_CASE(file_read_refuses_directories_and_fifos_without_blocking) {
  RuntimeFixture f;
  TempDir dir;
  const JobResult d = f.run("FileRead", {{"path", dir.path().string()}});
  BOOST_TEST(!d.success);
  BOOST_TEST(d.exit_code() == 2);
  const auto fifo = dir / "pipe";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const JobResult p = f.run("FileRead", {{"path", fifo.string()}});
  BOOST_TEST(!p.success);
  BOOST_TEST(p.exit_code() == 2);
}

BOOST_AUTO_TEST_CASE(file_read_of_a_missing_file_fails_with_not_found) {
  RuntimeFixture f;
  TempDir dir;
  const JobResult r = f.run("FileRead", {{"path", (dir / "nope").string()}});
  BOOST_TEST(!r.success);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "not_found");
}

BOOST_AUTO_TEST_CASE(file_read_journal_keeps_large_contents_bounded_with_a_digest) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "large.txt", std::string(100000, 'y'));
  const JobResult r = f.run("FileRead", {{"path", p.string()}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string().size() == 100000u);  // the caller gets it all
  const auto events = f.journal_of(r.job_id);
  const auto &done = events.back();
  BOOST_TEST(done.at("data").at("content").as_string().size() <= 4096u);
  const auto &cut = done.at("truncated").as_array().at(0).as_object();
  BOOST_TEST(cut.at("path").as_string() == "/data/content");
  BOOST_TEST(cut.at("bytes").to_number<int>() == 100000);
  BOOST_TEST(cut.at("sha256").as_string().size() == 64u);
}

// ---- Secrets of processes are never read ---------------------------------------------------

namespace {

// A `sleep` child whose environment holds SECRET_TOKEN=<secret>.
class SecretHolder {
 public:
  explicit SecretHolder(const std::string &secret) {
    const std::string env = "SECRET_TOKEN=" + secret;
    char *envp[] = {const_cast<char *>(env.c_str()), nullptr};
    char *argv[] = {const_cast<char *>("/bin/sleep"), const_cast<char *>("30"), nullptr};
    if (::posix_spawn(&pid_, "/bin/sleep", nullptr, nullptr, argv, envp) != 0)
      throw std::runtime_error("posix_spawn failed");
    // The secret is in place once exec has finished (environ is the new image's).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (read_file("/proc/" + std::to_string(pid_) + "/environ").find(secret) ==
           std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no exec");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~SecretHolder() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  // The start of the child's stack mapping: where a read of mem by offset would find data.
  std::int64_t stack_address() const {
    std::istringstream maps(read_file("/proc/" + std::to_string(pid_) + "/maps"));
    for (std::string line; std::getline(maps, line);)
      if (line.find("[stack]") != std::string::npos) return std::stoll(line, nullptr, 16);
    return 4096;
  }

 private:
  pid_t pid_ = -1;
};

// True when `needle` occurs in any file below `dir`.
bool found_below(const std::filesystem::path &dir, const std::string &needle) {
  for (const auto &entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && read_file(entry.path()).find(needle) != std::string::npos)
      return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(file_read_never_reads_another_processs_environment_or_memory) {
  const std::string secret = "s3cr3t-" + std::to_string(::getpid()) + "-runtimo";
  const SecretHolder child(secret);
  RuntimeFixture f;
  const std::string dir = "/proc/" + std::to_string(child.pid());
  const std::vector<json::object> attempts = {
      {{"path", dir + "/environ"}},
      {{"path", dir + "/task/" + std::to_string(child.pid()) + "/environ"}},
      {{"path", dir + "/mem"}, {"offset", child.stack_address()}},
      {{"path", dir + "/task/" + std::to_string(child.pid()) + "/mem"},
       {"offset", child.stack_address()}},
      {{"path", dir + "/auxv"}},
      {{"path", dir + "/root" + dir + "/environ"}},
      {{"path", dir + "/cwd/../environ"}},
  };
  for (const json::object &args : attempts) {
    const JobResult r = f.run("FileRead", args);
    BOOST_TEST_INFO(json::serialize(args));
    BOOST_TEST(r.exit_code() == 3);
    BOOST_TEST(r.status == JobStatus::rejected);
    BOOST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->message.find("is protected") != std::string::npos);
    BOOST_TEST(json::serialize(r.to_json()).find(secret) == std::string::npos);
  }
  BOOST_TEST(!found_below(f.home.path(), secret));
}

BOOST_AUTO_TEST_CASE(file_read_never_reads_the_runtimes_own_environment) {
  const std::string secret = "own-s3cr3t-" + std::to_string(::getpid());
  ::setenv("SECRET_TOKEN", secret.c_str(), 1);
  RuntimeFixture f;
  for (const char *path : {"/proc/self/environ", "/proc/thread-self/environ", "/proc/self/mem",
                           "/proc/thread-self/auxv"}) {
    const JobResult r = f.run("FileRead", {{"path", path}});
    BOOST_TEST(r.exit_code() == 3, path);
    BOOST_TEST(json::serialize(r.to_json()).find(secret) == std::string::npos);
  }
  BOOST_TEST(!found_below(f.home.path(), secret));
  ::unsetenv("SECRET_TOKEN");
}

BOOST_AUTO_TEST_CASE(the_cli_refuses_a_childs_environment_with_exit_3_and_never_prints_it) {
  const std::string secret = "cli-s3cr3t-" + std::to_string(::getpid());
  const SecretHolder child(secret);
  Cli cli;
  const std::string args =
      json::serialize(json::object{{"path", "/proc/" + std::to_string(child.pid()) + "/environ"}});
  for (const bool as_json : {false, true}) {
    std::vector<std::string> argv{"run", "FileRead", args};
    if (as_json) argv.push_back("--json");
    const Captured c = cli(argv);
    BOOST_TEST(c.exit_code == 3);
    BOOST_TEST(c.out.find(secret) == std::string::npos);
    BOOST_TEST(c.err.find(secret) == std::string::npos);
  }
  BOOST_TEST(!found_below(cli.home, secret));
}

// ---- The file is judged before it is opened --------------------------------------------------

BOOST_AUTO_TEST_CASE(file_read_of_a_fifo_leaves_a_blocked_writer_blocked) {
  RuntimeFixture f;
  TempDir dir;
  const auto fifo = dir / "pipe";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  OpenWatch watch(fifo);
  BlockedFifoWriter writer(fifo);
  const JobResult r = f.run("FileRead", {{"path", fifo.string()}});
  BOOST_TEST(r.exit_code() == 2);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->message == fifo.string() +
                                     " is a FIFO: Runtimo opens only regular files, and did not "
                                     "open it");
  BOOST_TEST(!r.error->hint.empty());
  BOOST_TEST(watch.opens() == 0);
  BOOST_TEST(writer.in_open());
}

BOOST_AUTO_TEST_CASE(file_read_of_a_device_is_refused_without_opening_it) {
  RuntimeFixture f;
  OpenWatch watch("/dev/full");
  for (const char *device : {"/dev/full", "/dev/zero", "/dev/null"}) {
    const JobResult r = f.run("FileRead", {{"path", device}});
    BOOST_TEST(r.exit_code() == 2, device);
    BOOST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->message == std::string(device) +
                                       " is a character device: Runtimo opens only regular files, "
                                       "and did not open it");
    BOOST_TEST(r.error->hint.find("/dev/watchdog") != std::string::npos);
  }
  BOOST_TEST(watch.opens() == 0);
}

BOOST_AUTO_TEST_CASE(file_read_of_a_directory_says_it_is_one) {
  RuntimeFixture f;
  TempDir dir;
  const JobResult r = f.run("FileRead", {{"path", dir.path().string()}});
  BOOST_TEST(r.exit_code() == 2);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->message ==
             dir.path().string() + " is a directory: Runtimo opens only regular files");
}

// ---- No more memory than the file needs --------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_first_read_is_sized_from_the_file_not_from_max_bytes) {
  using file_read::first_read_size;
  using file_read::grown_read_size;
  const std::size_t limit = (1u << 20) + 1;                   // the default max_bytes + 1
  BOOST_TEST(first_read_size(1024, 0, limit) == 1025u);       // a 1 KiB file: 1 KiB + 1
  BOOST_TEST(first_read_size(1024, 1000, limit) == 25u);      // what remains after the offset
  BOOST_TEST(first_read_size(1024, 5000, limit) == 1u);       // past the end: one byte to see it
  BOOST_TEST(first_read_size(50u << 20, 0, limit) == limit);  // never beyond max_bytes + 1
  BOOST_TEST(first_read_size(0, 0, limit) == 4096u);          // /proc files report 0
  BOOST_TEST(first_read_size(0, 0, 11) == 11u);
  BOOST_TEST(grown_read_size(4096, limit) == 8192u);
  BOOST_TEST(grown_read_size(1025, limit) == 4096u);
  BOOST_TEST(grown_read_size(1u << 20, limit) == limit);
}

BOOST_AUTO_TEST_CASE(file_read_grows_its_buffer_for_a_proc_file_larger_than_a_page) {
  RuntimeFixture f;
  const JobResult r = f.run("FileRead", {{"path", "/proc/self/smaps"}});
  BOOST_TEST_REQUIRE(r.success, json::serialize(r.to_json()));
  BOOST_TEST(r.data.at("bytes_read").to_number<std::int64_t>() > 8192);
  BOOST_TEST(r.data.at("eof").as_bool());
  BOOST_TEST(r.data.at("file_size").to_number<std::int64_t>() == 0);
  const std::string content(r.data.at("content").as_string());
  BOOST_TEST(content.back() == '\n');
}
