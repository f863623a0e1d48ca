// spawn_command.cpp — run_process runs exactly the command it is given: exit codes and signals
// come back, an executable or working directory that is not there is a start error (not a
// run), the environment is exactly the request's (plus the spawn marker), stdin is the given
// bytes or /dev/null, no descriptor or signal setting of the runtime leaks into the command,
// and concurrent runs from several threads do not mix.
#define BOOST_TEST_MODULE spawn_command
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "spawn/pipe_io.hpp"
#include "spawn_test_support.hpp"

using namespace runtimo::spawn;
using namespace runtimo::spawn::test;

BOOST_AUTO_TEST_CASE(exit_code_is_reported) {
  const auto request = shell("exit 7");
  const auto result = run_process(request);
  BOOST_TEST(result.started);
  BOOST_TEST(result.pid > 0);
  BOOST_TEST(result.exit_code.value_or(-1) == 7);
  BOOST_TEST(!result.signal);
  BOOST_TEST(!result.timed_out);
  BOOST_TEST(!result.cancelled);
  BOOST_TEST(result.cpu_usec.has_value());
  BOOST_TEST_REQUIRE(!result.processes.empty());
  BOOST_TEST(result.processes.front().pid == result.pid);
  check_nothing_left(request, result);
}

BOOST_AUTO_TEST_CASE(signal_that_ended_it_is_reported) {
  const auto request = shell("kill -KILL $$");
  const auto result = run_process(request);
  BOOST_TEST(result.started);
  BOOST_TEST(!result.exit_code);
  BOOST_TEST(result.signal.value_or(-1) == SIGKILL);
  check_nothing_left(request, result);
}

BOOST_AUTO_TEST_CASE(missing_executable_is_a_start_error) {
  const auto request = request_for({"/usr/bin/runtimo-no-such-program"});
  const auto result = run_process(request);
  BOOST_TEST(!result.started);
  BOOST_TEST(result.start_errno == ENOENT);
  BOOST_TEST(result.start_error ==
             "execve /usr/bin/runtimo-no-such-program: No such file or directory");
  BOOST_TEST(!result.exit_code);
  BOOST_TEST(zombie_children().empty());
  if (cgroup_support().available) BOOST_TEST(!std::filesystem::exists(job_cgroup_path(request.id)));
}

BOOST_AUTO_TEST_CASE(missing_working_directory_is_a_start_error) {
  auto request = request_for({"/bin/true"});
  request.cwd = "/runtimo-no-such-directory";
  const auto result = run_process(request);
  BOOST_TEST(!result.started);
  BOOST_TEST(result.start_errno == ENOENT);
  BOOST_TEST(result.start_error.find("chdir /runtimo-no-such-directory") == 0);
}

BOOST_AUTO_TEST_CASE(runs_in_the_requested_directory) {
  auto request = request_for({"/bin/pwd"});
  request.cwd = "/usr/bin";
  const auto result = run_process(request);
  BOOST_TEST(result.out.head == "/usr/bin\n");
}

BOOST_AUTO_TEST_CASE(malformed_spawn_id_is_refused) {
  auto request = request_for({"/bin/true"});
  request.id = "../../escape";
  const auto result = run_process(request);
  BOOST_TEST(!result.started);
  BOOST_TEST(result.start_errno == EINVAL);
}

BOOST_AUTO_TEST_CASE(environment_is_exactly_the_requested_one) {
  ::setenv("AWS_SECRET_ACCESS_KEY", "do-not-leak", 1);
  auto request = request_for({"/usr/bin/env"});
  request.env = {"A=1", "B=two words"};
  const auto result = run_process(request);
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
  BOOST_TEST(result.out.head == "A=1\nB=two words\nRUNTIMO_SPAWN_ID=" + request.id + "\n");
}

BOOST_AUTO_TEST_CASE(stdin_is_fed_with_the_given_bytes) {
  auto request = request_for({"/bin/cat"});
  request.stdin_data = std::string("line one\n\0binary\xff", 18);
  const auto result = run_process(request);
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
  BOOST_TEST(result.out.head == *request.stdin_data);
}

BOOST_AUTO_TEST_CASE(large_stdin_is_written_while_stdout_is_read) {
  // 8 MiB each way: neither side's pipe can hold it, so writing and reading must interleave.
  auto request = request_for({"/bin/cat"});
  request.stdin_data = std::string(8 << 20, 'x');
  request.max_stdout_bytes = 16 << 20;
  const auto result = run_process(request);
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
  BOOST_TEST(result.out.total == request.stdin_data->size());
  BOOST_TEST(result.out.head == *request.stdin_data);
}

BOOST_AUTO_TEST_CASE(stdin_not_read_by_the_command_is_not_an_error) {
  // `true` exits without reading: the rest of the write gets EPIPE, and no SIGPIPE kills us.
  auto request = request_for({"/bin/true"});
  request.stdin_data = std::string(4 << 20, 'y');
  const auto result = run_process(request);
  BOOST_TEST(result.started);
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(writing_to_a_closed_pipe_raises_no_sigpipe) {
  // With SIGPIPE's default action (terminate) in force, as in an embedding program.
  const auto old_pipe = std::signal(SIGPIPE, SIG_DFL);
  int fds[2];
  BOOST_TEST_REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  errno = 0;
  const ssize_t written = write_without_sigpipe(fds[1], "x", 1);
  const int write_errno = errno;
  ::close(fds[1]);
  sigset_t pending;
  sigpending(&pending);
  std::signal(SIGPIPE, old_pipe);
  BOOST_TEST(written == -1);
  BOOST_TEST(write_errno == EPIPE);
  BOOST_TEST(!sigismember(&pending, SIGPIPE));  // consumed, not left to fire later
}

BOOST_AUTO_TEST_CASE(command_is_ended_when_a_callback_throws) {
  auto request = shell("sleep 100 & echo $!; sleep 100");
  request.on_output = [](std::string_view, std::string_view) {
    throw std::runtime_error("progress sink failed");
  };
  BOOST_CHECK_THROW(run_process(request), std::runtime_error);
  BOOST_TEST(processes_with_marker(request.id).empty());
  BOOST_TEST(zombie_children().empty());
  if (cgroup_support().available) BOOST_TEST(!std::filesystem::exists(job_cgroup_path(request.id)));
}

BOOST_AUTO_TEST_CASE(without_stdin_data_stdin_is_dev_null) {
  const auto request = shell("cat; readlink /proc/self/fd/0");
  const auto result = run_process(request);
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
  BOOST_TEST(result.out.head == "/dev/null\n");
}

BOOST_AUTO_TEST_CASE(stderr_is_kept_apart_from_stdout) {
  const auto request = shell("echo to-out; echo to-err >&2");
  const auto result = run_process(request);
  BOOST_TEST(result.out.head == "to-out\n");
  BOOST_TEST(result.err.head == "to-err\n");
}

BOOST_AUTO_TEST_CASE(runtime_descriptors_are_not_inherited) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  BOOST_TEST_REQUIRE(leaked >= 0);
  const auto result = run_process(request_for({"/bin/ls", "/proc/self/fd"}));
  ::close(leaked);
  // ls's own directory descriptor is the only one beyond stdio.
  BOOST_TEST(result.out.head == "0\n1\n2\n3\n");
}

BOOST_AUTO_TEST_CASE(signal_mask_and_ignored_signals_are_reset) {
  sigset_t blocked, previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);
  const auto old_int = std::signal(SIGINT, SIG_IGN);
  const auto result =
      run_process(request_for({"/usr/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}));
  std::signal(SIGINT, old_int);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  BOOST_TEST(result.out.head == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

BOOST_AUTO_TEST_CASE(concurrent_runs_from_threads_stay_apart) {
  std::vector<SpawnRequest> requests;
  for (int i = 0; i < 6; ++i) requests.push_back(shell("echo $RUNTIMO_SPAWN_ID; sleep 0.2 & wait"));
  std::vector<SpawnResult> results(requests.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = run_process(requests[i]); });
  }
  for (auto &t : threads) t.join();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    BOOST_TEST(results[i].exit_code.value_or(-1) == 0);
    BOOST_TEST(results[i].out.head == requests[i].id + "\n");
    check_nothing_left(requests[i], results[i]);
  }
}
