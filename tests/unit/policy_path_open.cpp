// policy_path_open.cpp — the path policy's open(): no symlink followed after the check
// (C.25), the file judged on an O_PATH descriptor before anything opens it (FIFOs, devices and
// directories refused unopened — watched with inotify and a FIFO writer that must stay blocked),
// the very inode judged is the one opened, hard links to protected files refused (also before
// any truncation), errno mapped to statuses, files created 0600.
#define BOOST_TEST_MODULE policy_path_open
#include <boost/test/unit_test.hpp>

#include "open_watch.hpp"
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
  fs::create_directories(p.parent_path());
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

// An inspection that lets every file through.
runtimo::policy::PathDecision accept_any(const struct stat &) {
  return {};
}

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
  const auto d =
      runtimo::policy::open_without_symlinks(checked.resolved, O_RDONLY, accept_any, &f.fd);
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
  const auto d = runtimo::policy::open_without_symlinks(checked.resolved, O_WRONLY | O_TRUNC,
                                                        accept_any, &f.fd);
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

BOOST_AUTO_TEST_CASE(a_fifo_is_refused_without_being_opened) {
  Tree t;
  const fs::path fifo = t.allowed / "fifo";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  runtimo::test::OpenWatch watch(fifo);
  runtimo::test::BlockedFifoWriter writer(fifo);
  for (const int flags : {O_RDONLY, O_RDONLY | O_NONBLOCK}) {
    Fd f;
    const auto d = t.policy().open(fifo.string(), RT_ACCESS_READ, flags, t.root, &f.fd);
    BOOST_TEST(d.status == RT_INVALID_ARGS);
    BOOST_TEST(f.fd == -1);
    BOOST_TEST(d.message == fifo.string() +
                                " is a FIFO: Runtimo opens only regular files, and "
                                "did not open it");
    BOOST_TEST(contains(d.hint, "would wake the process waiting at its other end"));
  }
  // Nothing opened it: no open event, and the writer still waits for a reader.
  BOOST_TEST(watch.opens() == 0);
  BOOST_TEST(writer.in_open());
  // The observers do see a real reader: this one releases the writer.
  Fd reader;
  reader.fd = ::open(fifo.c_str(), O_RDONLY);
  BOOST_TEST(writer.exit_code() == 0);
  BOOST_TEST(watch.opens() >= 1);  // identical unread events are merged by inotify
}

BOOST_AUTO_TEST_CASE(a_device_is_refused_without_being_opened) {
  Tree t;
  runtimo::test::OpenWatch watch("/dev/full");  // a device nothing else opens
  for (const char *device : {"/dev/full", "/dev/null", "/dev/zero"}) {
    Fd f;
    const auto d = t.policy().open(device, RT_ACCESS_READ, O_RDONLY, t.root, &f.fd);
    BOOST_TEST(d.status == RT_INVALID_ARGS, device);
    BOOST_TEST(f.fd == -1);
    BOOST_TEST(d.message == std::string(device) +
                                " is a character device: Runtimo opens only regular files, and "
                                "did not open it");
    BOOST_TEST(contains(d.hint, "/dev/watchdog arms a reboot"));
  }
  BOOST_TEST(watch.opens() == 0);
}

BOOST_AUTO_TEST_CASE(a_directory_is_refused_unless_the_flags_ask_for_one) {
  Tree t;
  Fd f;
  const auto d = t.policy().open(t.allowed.string(), RT_ACCESS_READ, O_RDONLY, t.root, &f.fd);
  BOOST_TEST(d.status == RT_INVALID_ARGS);
  BOOST_TEST(d.message == t.allowed.string() + " is a directory: Runtimo opens only regular files");
  Fd dir;
  BOOST_TEST(t.policy()
                 .open(t.allowed.string(), RT_ACCESS_READ, O_RDONLY | O_DIRECTORY, t.root, &dir.fd)
                 .ok());
  Fd file;
  const auto not_dir = t.policy().open((t.allowed / "notes.txt").string(), RT_ACCESS_READ,
                                       O_RDONLY | O_DIRECTORY, t.root, &file.fd);
  BOOST_TEST(not_dir.status == RT_INVALID_ARGS);
  BOOST_TEST(contains(not_dir.message, "is a regular file: a directory was asked for"));
}

BOOST_AUTO_TEST_CASE(a_refused_regular_file_is_not_opened_either) {
  Tree t;
  const fs::path notes = t.allowed / "notes.txt";
  runtimo::test::OpenWatch watch(notes);
  Fd f;
  const auto refuse = [](const struct stat &) {
    runtimo::policy::PathDecision d;
    d.status = RT_DENIED;
    d.message = "judged and refused";
    return d;
  };
  const auto d = runtimo::policy::open_without_symlinks(notes.string(), O_RDONLY, refuse, &f.fd);
  BOOST_TEST(d.message == "judged and refused");
  BOOST_TEST(f.fd == -1);
  BOOST_TEST(watch.opens() == 0);
}

BOOST_AUTO_TEST_CASE(the_inode_judged_is_the_one_opened_even_if_the_path_is_replaced) {
  Tree t;
  const fs::path notes = t.allowed / "notes.txt";
  write_file(t.allowed / "other.txt", "replacement");
  // The path is replaced between the judgement and the real open.
  const auto swap = [&](const struct stat &) {
    fs::rename(t.allowed / "other.txt", notes);
    return runtimo::policy::PathDecision{};
  };
  Fd f;
  const auto d = runtimo::policy::open_without_symlinks(notes.string(), O_RDONLY, swap, &f.fd);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(read_fd(f.fd) == "notes");
}

BOOST_AUTO_TEST_CASE(a_final_symlink_is_refused_by_the_open) {
  Tree t;
  fs::create_symlink(t.outside / "plain.txt", t.allowed / "link");
  Fd f;
  const auto d = runtimo::policy::open_without_symlinks((t.allowed / "link").string(), O_RDONLY,
                                                        accept_any, &f.fd);
  BOOST_TEST(d.status == RT_DENIED);
  BOOST_TEST(contains(d.message, "replaced by a symlink after the check"));
}

BOOST_AUTO_TEST_CASE(an_exclusive_create_of_an_existing_file_fails_and_changes_nothing) {
  Tree t;
  Fd f;
  const auto d = t.policy().open((t.allowed / "notes.txt").string(), RT_ACCESS_WRITE,
                                 O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, t.root, &f.fd);
  BOOST_TEST(d.status == RT_FAILED);
  BOOST_TEST(contains(d.message, "File exists"));
  BOOST_TEST(read_file(t.allowed / "notes.txt") == "notes");
}

BOOST_AUTO_TEST_CASE(a_create_of_an_existing_file_opens_it_after_judging_it) {
  Tree t;
  Fd f;
  const auto d = t.policy().open((t.allowed / "notes.txt").string(), RT_ACCESS_WRITE,
                                 O_WRONLY | O_CREAT | O_APPEND, t.root, &f.fd);
  BOOST_TEST_REQUIRE(d.ok(), d.message);
  BOOST_TEST(::write(f.fd, "+", 1) == 1);
  BOOST_TEST(read_file(t.allowed / "notes.txt") == "notes+");
  const fs::path fifo = t.allowed / "fifo";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  Fd p;
  BOOST_TEST(
      t.policy().open(fifo.string(), RT_ACCESS_WRITE, O_WRONLY | O_CREAT, t.root, &p.fd).status ==
      RT_INVALID_ARGS);
}

BOOST_AUTO_TEST_CASE(hard_links_to_built_in_protected_files_are_refused) {
  Tree t;
  write_file(t.home / ".aws" / "credentials", "aws_secret_access_key = x");
  write_file(t.home / ".config" / "gcloud" / "legacy" / "adc.json", "{\"private_key\": \"x\"}");
  fs::create_hard_link(t.home / ".aws" / "credentials", t.allowed / "a.txt");
  fs::create_hard_link(t.home / ".config" / "gcloud" / "legacy" / "adc.json", t.allowed / "b.txt");
  for (const char *name : {"a.txt", "b.txt"}) {
    Fd f;
    const auto d =
        t.policy().open((t.allowed / name).string(), RT_ACCESS_READ, O_RDONLY, t.root, &f.fd);
    BOOST_TEST(d.status == RT_DENIED, name);
    BOOST_TEST(contains(d.message, "is a hard link to a protected file"));
  }
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
