// policy_path_open.cpp — the path policy's open(): no symlink followed after the check
// (C.25), hard links to protected files refused (also before any truncation), FIFOs opened
// without blocking, errno mapped to statuses, files created 0600.
#define BOOST_TEST_MODULE policy_path_open
#include <boost/test/unit_test.hpp>

#include "policy/no_follow_open.hpp"
#include "policy/path_policy.hpp"
#include "temp_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using runtimo::policy::PathPolicy;
using runtimo::policy::PathRules;
using runtimo::test::TempDir;

namespace {

void write_file(const fs::path &p, const std::string &text) {
  std::ofstream(p) << text;
}

std::string read_file(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string read_fd(int fd) {
  std::string out(4096, '\0');
  const ssize_t n = ::pread(fd, out.data(), out.size(), 0);
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

struct Tree {
  TempDir dir;
  fs::path root = fs::canonical(dir.path());
  fs::path allowed = root / "allowed";
  fs::path outside = root / "outside";
  fs::path home = root / "home";

  Tree() {
    fs::create_directories(allowed / "d");
    fs::create_directories(outside);
    fs::create_directories(home / ".ssh");
    write_file(allowed / "d" / "f", "inside");
    write_file(allowed / "notes.txt", "notes");
    write_file(outside / "secret.txt", "secret");
    write_file(outside / "plain.txt", "plain");
    write_file(home / ".ssh" / "id_ed25519.pub", "public key");
  }

  PathPolicy policy() const {
    PathRules r;
    r.write_prefixes = {allowed.string()};
    r.protected_patterns = {(outside / "secret*").string(), "~/.ssh/*"};
    r.readable_exceptions = {"*.pub"};
    r.home = home;
    return PathPolicy(r);
  }
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(open_reads_an_allowed_file_with_cloexec) {
  Tree t;
  Fd f;
  const auto d = t.policy().open("notes.txt", RT_ACCESS_READ, O_RDONLY, t.allowed, &f.fd);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(d.resolved == (t.allowed / "notes.txt").string());
  BOOST_TEST(read_fd(f.fd) == "notes");
  BOOST_TEST((::fcntl(f.fd, F_GETFD) & FD_CLOEXEC) != 0);
}

BOOST_AUTO_TEST_CASE(open_refuses_a_directory_swapped_for_a_symlink_after_the_check) {
  Tree t;
  const auto checked = t.policy().check((t.allowed / "d" / "f").string(), RT_ACCESS_READ, t.root);
  BOOST_TEST_REQUIRE(checked.ok(), checked.message);
  // The directory is replaced by a symlink between the check and the open.
  fs::rename(t.allowed / "d", t.allowed / "d-moved");
  fs::create_directory_symlink(t.allowed / "d-moved", t.allowed / "d");

  Fd f;
  const auto d = runtimo::policy::open_without_symlinks(checked.resolved, O_RDONLY, &f.fd);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(f.fd == -1);
  BOOST_TEST(contains(d.message, "replaced by a symlink after the check"));
  BOOST_TEST(contains(d.message, checked.resolved));
}

BOOST_AUTO_TEST_CASE(open_refuses_a_file_swapped_for_a_symlink_after_the_check) {
  Tree t;
  const auto checked =
      t.policy().check((t.allowed / "notes.txt").string(), RT_ACCESS_WRITE, t.root);
  BOOST_TEST_REQUIRE(checked.ok(), checked.message);
  fs::remove(t.allowed / "notes.txt");
  fs::create_symlink(t.outside / "secret.txt", t.allowed / "notes.txt");

  Fd f;
  const auto d =
      runtimo::policy::open_without_symlinks(checked.resolved, O_WRONLY | O_TRUNC, &f.fd);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(read_file(t.outside / "secret.txt") == "secret");
}

BOOST_AUTO_TEST_CASE(open_refuses_a_hard_link_to_a_protected_file) {
  Tree t;
  const fs::path link = t.allowed / "harmless.txt";
  fs::create_hard_link(t.outside / "secret.txt", link);
  // The path itself matches nothing, so check() cannot know ...
  BOOST_TEST(t.policy().check(link.string(), RT_ACCESS_READ, t.root).ok());
  // ... but open() compares the inode with the protected files.
  Fd f;
  const auto d = t.policy().open(link.string(), RT_ACCESS_READ, O_RDONLY, t.root, &f.fd);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(f.fd == -1);
  BOOST_TEST(contains(d.message, "hard link to a protected file"));
}

BOOST_AUTO_TEST_CASE(truncating_open_of_a_hard_link_leaves_the_protected_file_intact) {
  Tree t;
  const fs::path link = t.allowed / "harmless.txt";
  fs::create_hard_link(t.outside / "secret.txt", link);
  Fd f;
  const auto d = t.policy().open(link.string(), RT_ACCESS_WRITE, O_WRONLY | O_TRUNC, t.root, &f.fd);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(read_file(t.outside / "secret.txt") == "secret");
}

BOOST_AUTO_TEST_CASE(hard_link_to_a_readable_exception_is_readable_not_writable) {
  Tree t;
  const fs::path link = t.allowed / "key.txt";
  fs::create_hard_link(t.home / ".ssh" / "id_ed25519.pub", link);
  Fd r;
  BOOST_TEST(t.policy().open(link.string(), RT_ACCESS_READ, O_RDONLY, t.root, &r.fd).ok());
  Fd w;
  BOOST_TEST(t.policy().open(link.string(), RT_ACCESS_WRITE, O_WRONLY, t.root, &w.fd).status ==
             RT_DENIED);
}

BOOST_AUTO_TEST_CASE(truncating_open_of_an_ordinary_file_truncates) {
  Tree t;
  Fd f;
  const auto d = t.policy().open((t.allowed / "notes.txt").string(), RT_ACCESS_WRITE,
                                 O_WRONLY | O_TRUNC, t.root, &f.fd);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(fs::file_size(t.allowed / "notes.txt") == 0u);
}

BOOST_AUTO_TEST_CASE(fifo_opens_without_blocking) {
  Tree t;
  const fs::path fifo = t.allowed / "fifo";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  ::alarm(10);  // a blocking open would hang: let SIGALRM fail the test instead
  Fd f;
  const auto d = t.policy().open(fifo.string(), RT_ACCESS_READ, O_RDONLY, t.root, &f.fd);
  ::alarm(0);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  struct stat st {};
  BOOST_TEST_REQUIRE(::fstat(f.fd, &st) == 0);
  BOOST_TEST(S_ISFIFO(st.st_mode));
}

BOOST_AUTO_TEST_CASE(missing_file_is_not_found) {
  Tree t;
  Fd f;
  const auto d =
      t.policy().open((t.allowed / "absent").string(), RT_ACCESS_READ, O_RDONLY, t.root, &f.fd);
  BOOST_TEST(d.status == RT_NOT_FOUND);
  BOOST_TEST(contains(d.message, (t.allowed / "absent").string()));
  BOOST_TEST(contains(d.message, "No such file"));
}

BOOST_AUTO_TEST_CASE(write_flags_need_write_access) {
  Tree t;
  Fd f;
  const auto d =
      t.policy().open((t.allowed / "notes.txt").string(), RT_ACCESS_READ, O_WRONLY, t.root, &f.fd);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(f.fd == -1);
}

BOOST_AUTO_TEST_CASE(created_file_is_private) {
  Tree t;
  const mode_t old = ::umask(0);
  Fd f;
  const auto d = t.policy().open((t.allowed / "new.txt").string(), RT_ACCESS_WRITE,
                                 O_WRONLY | O_CREAT | O_EXCL, t.root, &f.fd);
  ::umask(old);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat((t.allowed / "new.txt").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 07777) == 0600u);
}

BOOST_AUTO_TEST_CASE(create_through_a_dangling_symlink_creates_the_checked_target) {
  Tree t;
  // check() resolves the dangling link to its target; open() opens that resolved path.
  fs::create_symlink(t.allowed / "target", t.allowed / "dangling");
  Fd f;
  const auto d = t.policy().open((t.allowed / "dangling").string(), RT_ACCESS_WRITE,
                                 O_WRONLY | O_CREAT, t.root, &f.fd);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(d.resolved == (t.allowed / "target").string());
  BOOST_TEST(fs::exists(t.allowed / "target"));
}
