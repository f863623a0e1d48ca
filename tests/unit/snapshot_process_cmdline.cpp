// snapshot_process_cmdline.cpp — CmdlineReader against the kernel's own /proc/<pid>/cmdline:
// real children (plain arguments, a command line longer than the cut, a perl that rewrote its
// title past the argument area), argument areas that must send it to the file, a process that
// is gone, and proof that the plain case is read from the process's memory.
#define BOOST_TEST_MODULE snapshot_process_cmdline
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "snapshot/process_cmdline.hpp"
#include "snapshot/process_identity.hpp"
#include "temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

using runtimo::snapshot::ArgumentArea;
using runtimo::snapshot::CmdlineReader;
using runtimo::test::LiveChild;
using runtimo::test::read_file;

namespace {

// The /proc directory fd a scan would pass.
struct ProcDir {
  ProcDir() : fd(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    BOOST_REQUIRE(fd >= 0);
  }
  ~ProcDir() { ::close(fd); }
  int fd;
};

ArgumentArea area_of(pid_t pid) {
  const auto fields =
      runtimo::snapshot::parse_proc_stat_fields(read_file("/proc/" + std::to_string(pid) + "/stat"));
  BOOST_REQUIRE(fields.has_value());
  return fields->argument_area;
}

std::string file_name(pid_t pid) {
  return std::to_string(pid) + "/cmdline";
}

// What the kernel shows, cut at `cap` bytes.
std::string kernel_cmdline(pid_t pid, std::size_t cap = 4096) {
  return read_file("/proc/" + file_name(pid)).substr(0, cap);
}

std::string read_with(CmdlineReader &reader, pid_t pid, const ArgumentArea &area,
                      const std::string &file, std::size_t cap = 4096) {
  std::string buf(cap, '\0');
  const long n = reader.read(pid, area, file.c_str(), buf.data(), cap);
  BOOST_REQUIRE_MESSAGE(n >= 0, "read failed: " << -n);
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

// Watches (yielding, bounded by 10 s) until the child's command line (from the kernel) starts
// with `prefix`: a title a program sets itself has no event to wait on.
void wait_for_cmdline(pid_t pid, const std::string &prefix) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (kernel_cmdline(pid).rfind(prefix, 0) == 0) return;
    std::this_thread::yield();
  }
  BOOST_FAIL("child " << pid << " never showed a command line starting with " << prefix);
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_arguments_match_the_kernel_and_come_from_memory) {
  ProcDir proc;
  CmdlineReader reader(proc.fd);
  BOOST_TEST(reader.reads_memory());  // the tests run as root, in the /proc of their namespace
  runtimo::test::Sleeper a("31.5");
  runtimo::test::Sleeper b("32.5");
  const std::string a_text = read_with(reader, a.pid(), area_of(a.pid()), file_name(a.pid()));
  BOOST_TEST(a_text == kernel_cmdline(a.pid()));
  BOOST_TEST(a_text == std::string("/bin/sleep\0" "31.5\0", 16));
  // Given a's memory layout and b's file, the reader answers from a's memory: the file was not
  // opened.
  BOOST_TEST(read_with(reader, a.pid(), area_of(a.pid()), file_name(b.pid())) == a_text);
  BOOST_TEST(reader.reads_memory());
}

BOOST_AUTO_TEST_CASE(a_long_command_line_is_cut_like_the_file) {
  ProcDir proc;
  CmdlineReader reader(proc.fd);
  const std::string long_arg(5000, 'a');
  // perl, which leaves its own command line alone unless $0 is set; its arguments go to @ARGV.
  LiveChild child({"/usr/bin/perl", "-e", "sleep 30", long_arg, "tail"});
  wait_for_cmdline(child.pid(), "/usr/bin/perl");
  for (const std::size_t cap : {std::size_t{16}, std::size_t{256}, std::size_t{8192}}) {
    const std::string text = read_with(reader, child.pid(), area_of(child.pid()),
                                       file_name(child.pid()), cap);
    BOOST_TEST(text == kernel_cmdline(child.pid(), cap));
  }
  // The whole command line, through the tail argument and its NUL.
  BOOST_TEST(read_with(reader, child.pid(), area_of(child.pid()), file_name(child.pid()), 8192)
                 .size() == std::string("/usr/bin/perl -e sleep 30  tail ").size() + 5000);
}

BOOST_AUTO_TEST_CASE(a_title_rewritten_past_the_arguments_is_read_as_the_kernel_shows_it) {
  ProcDir proc;
  CmdlineReader reader(proc.fd);
  // perl writes $0 over its arguments and on into its environment strings, so the last byte of
  // the argument area is no longer NUL and the kernel reads on to the first NUL.
  LiveChild perl({"/usr/bin/perl", "-e", "$0 = 'title-' . ('x' x 300); sleep 30"});
  wait_for_cmdline(perl.pid(), "title-");
  const ArgumentArea area = area_of(perl.pid());
  const std::string text = read_with(reader, perl.pid(), area, file_name(perl.pid()));
  BOOST_TEST(text == kernel_cmdline(perl.pid()));
  BOOST_TEST(text.size() == 6 + 300 + 1);
  BOOST_TEST(text.size() > area.arg_end - area.arg_start);  // more than the argument area holds
}

BOOST_AUTO_TEST_CASE(areas_it_cannot_use_send_it_to_the_file) {
  ProcDir proc;
  CmdlineReader reader(proc.fd);
  runtimo::test::Sleeper sleeper("35.5");
  const std::string expected = kernel_cmdline(sleeper.pid());
  // Hidden from the reader (all 0), not set up yet (env_end 0), not mapped (EFAULT).
  const ArgumentArea hidden{};
  ArgumentArea unset = area_of(sleeper.pid());
  unset.env_end = 0;
  const ArgumentArea unmapped{4096, 4200, 4200, 4300};
  for (const ArgumentArea &area : {hidden, unset, unmapped})
    BOOST_TEST(read_with(reader, sleeper.pid(), area, file_name(sleeper.pid())) == expected);
  BOOST_TEST(reader.reads_memory());  // EFAULT does not turn memory reads off
  // An empty argument area shows nothing, as in the kernel.
  ArgumentArea empty = area_of(sleeper.pid());
  empty.arg_end = empty.arg_start;
  BOOST_TEST(read_with(reader, sleeper.pid(), empty, file_name(sleeper.pid())).empty());
}

BOOST_AUTO_TEST_CASE(a_process_that_is_gone_is_reported_gone) {
  ProcDir proc;
  CmdlineReader reader(proc.fd);
  ArgumentArea area;
  {
    runtimo::test::Sleeper sleeper("36.5");
    area = area_of(sleeper.pid());
  }
  const pid_t gone = runtimo::test::vanished_pid();
  char buf[64];
  const long n = reader.read(gone, area, file_name(gone).c_str(), buf, sizeof buf);
  BOOST_TEST((n == -ESRCH || n == -ENOENT));
}
