// snapshot_process_identity.cpp — one process's identity from /proc/<pid>/stat: real
// processes (self, a zombie child, a reaped child, kthreadd) and crafted stat lines.
#define BOOST_TEST_MODULE snapshot_process_identity
#include <boost/test/unit_test.hpp>

#include "snapshot/process_identity.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <string>

using runtimo::snapshot::parse_proc_stat;
using runtimo::snapshot::read_process_identity;

namespace {

std::string first_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Fields 3..22 of a stat line, with ppid 77, flags 0x00200040 (PF_KTHREAD set) and start 987654.
const std::string kTail =
    " S 77 4242 4242 0 -1 2097216 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50 18446744073709551615";

}  // namespace

BOOST_AUTO_TEST_CASE(own_identity_matches_the_system_calls) {
  const rt_process_identity id = read_process_identity(::getpid());
  BOOST_TEST(id.struct_size == sizeof(rt_process_identity));
  BOOST_TEST(id.exists == 1);
  BOOST_TEST(id.pid == ::getpid());
  BOOST_TEST(id.ppid == ::getppid());
  BOOST_TEST(id.uid == ::getuid());
  BOOST_TEST(id.state == 'R');
  BOOST_TEST(id.kernel_thread == 0);
  BOOST_TEST(std::string(id.comm) == first_line("/proc/self/comm"));
  BOOST_TEST(id.start_time_ticks > 0u);
  // The start time is stable: it identifies this process.
  BOOST_TEST(read_process_identity(::getpid()).start_time_ticks == id.start_time_ticks);
}

BOOST_AUTO_TEST_CASE(comm_with_spaces_and_parentheses_is_parsed) {
  const auto id = parse_proc_stat("4242 (my (odd)) name) ) " + kTail.substr(1) + "\n");
  BOOST_TEST_REQUIRE(id.has_value());
  BOOST_TEST(id->pid == 4242);
  BOOST_TEST(std::string(id->comm) == "my (odd)) name) ");
  BOOST_TEST(id->state == 'S');
  BOOST_TEST(id->ppid == 77);
  BOOST_TEST(id->start_time_ticks == 987654u);
  BOOST_TEST(id->kernel_thread == 1);
  BOOST_TEST(id->uid == 0u);
}

BOOST_AUTO_TEST_CASE(long_comm_is_cut_to_fit) {
  const std::string comm(100, 'c');
  const auto id = parse_proc_stat("7 (" + comm + ")" + kTail);
  BOOST_TEST_REQUIRE(id.has_value());
  BOOST_TEST(std::string(id->comm) == comm.substr(0, sizeof(id->comm) - 1));
}

BOOST_AUTO_TEST_CASE(malformed_stat_lines_are_rejected) {
  BOOST_TEST(!parse_proc_stat("").has_value());
  BOOST_TEST(!parse_proc_stat("4242 no-parens S 1").has_value());
  BOOST_TEST(!parse_proc_stat("4242 (x) S 1 2 3").has_value());  // too few fields
  BOOST_TEST(!parse_proc_stat("abc (x)" + kTail).has_value());   // pid not a number
  BOOST_TEST(!parse_proc_stat("4242 (x) S notanumber 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(zombie_child_shows_state_Z) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  BOOST_TEST_REQUIRE(child > 0);
  // Wait for the exit without reaping: the child stays a zombie.
  siginfo_t info{};
  BOOST_TEST_REQUIRE(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);
  const rt_process_identity id = read_process_identity(child);
  ::waitpid(child, nullptr, 0);
  BOOST_TEST(id.exists == 1);
  BOOST_TEST(id.state == 'Z');
  BOOST_TEST(id.ppid == ::getpid());
}

BOOST_AUTO_TEST_CASE(vanished_process_does_not_exist) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  BOOST_TEST_REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  const rt_process_identity id = read_process_identity(child);
  BOOST_TEST(id.exists == 0);
  BOOST_TEST(id.pid == child);
  BOOST_TEST(id.struct_size == sizeof(rt_process_identity));
}

BOOST_AUTO_TEST_CASE(invalid_pids_do_not_exist) {
  BOOST_TEST(read_process_identity(0).exists == 0);
  BOOST_TEST(read_process_identity(-5).exists == 0);
  BOOST_TEST(read_process_identity(std::int64_t{INT32_MAX} + 1).exists == 0);
}

BOOST_AUTO_TEST_CASE(kthreadd_is_flagged_as_a_kernel_thread) {
  if (first_line("/proc/2/comm") != "kthreadd") {
    BOOST_TEST_MESSAGE("pid 2 is not kthreadd here (pid namespace): skipped");
    return;
  }
  const rt_process_identity id = read_process_identity(2);
  BOOST_TEST(id.exists == 1);
  BOOST_TEST(id.kernel_thread == 1);
  BOOST_TEST(std::string(id.comm) == "kthreadd");
  BOOST_TEST(id.uid == 0u);
}
