// spawn_containment.cpp — nothing a command starts outlives the run: at the deadline, on
// cancellation, or as soon as the main process exits, every process of the job is ended —
// background children, `setsid` double forks re-parented to the runtime, processes ignoring
// SIGTERM, bursts of forks — in cgroup mode (where the runtime may create cgroups) and in
// process-group mode alike, with no zombie left; with detach they are reported and left alive.
#define BOOST_TEST_MODULE spawn_containment
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "spawn_test_support.hpp"

using namespace runtimo::spawn;
using namespace runtimo::spawn::test;
using namespace std::chrono_literals;

namespace {

Containment expected_containment(bool use_cgroup) {
  return use_cgroup ? Containment::cgroup : Containment::process_group;
}

bool recorded(const SpawnResult &result, std::int64_t pid) {
  return std::any_of(result.processes.begin(), result.processes.end(),
                     [&](const SpawnedProcess &p) { return p.pid == pid; });
}

std::string listing(const SpawnResult &result) {
  std::string text;
  for (const auto &p : result.processes) {
    text += std::to_string(p.pid) + "<-" + std::to_string(p.ppid) + " " + p.comm + " [" +
            p.cmdline + "]; ";
  }
  return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(reports_the_containment_used) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      auto request = request_for({"/bin/true"});
      request.use_cgroup = use_cgroup;
      const auto result = run_process(request);
      BOOST_TEST((result.containment == expected_containment(use_cgroup)));
      BOOST_TEST(result.cpu_usec.has_value());
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(deadline_ends_the_command_and_its_background_children) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      auto request = shell("sleep 100 & echo $!; sleep 100");
      request.use_cgroup = use_cgroup;
      request.timeout = 1s;
      const auto result = run_process(request);
      BOOST_TEST(result.timed_out);
      BOOST_TEST(result.signal.value_or(-1) == SIGTERM);
      // sh, the background sleep (its pid echoed) and the foreground one, each recorded once.
      BOOST_TEST_INFO(listing(result));
      BOOST_TEST(result.processes.size() == 3u);
      BOOST_TEST(recorded(result, std::stoll(result.out.head)));
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(setsid_double_fork_is_ended_at_the_deadline) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      // The inner sh runs `sleep 1000` in the background in a new session and exits: the
      // sleep is re-parented, in a session of its own; `echo` tells us it has been started.
      auto request = shell("setsid /bin/sh -c 'sleep 1000 & echo started' ; sleep 100");
      request.use_cgroup = use_cgroup;
      request.timeout = 2s;
      const auto result = run_process(request);
      BOOST_TEST(result.timed_out);
      BOOST_TEST(result.out.head == "started\n");
      BOOST_TEST_INFO(listing(result));
      BOOST_TEST(result.processes.size() >= 3u);  // sh, setsid's sh, sleep (and the last sleep)
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(process_ignoring_sigterm_is_killed_after_the_grace) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      auto request = shell("trap '' TERM; echo trapped; sleep 100");
      request.use_cgroup = use_cgroup;
      request.timeout = 1s;
      request.kill_grace = 500ms;
      const auto result = run_process(request);
      BOOST_TEST(result.timed_out);
      BOOST_TEST(result.signal.value_or(-1) == SIGKILL);
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(burst_of_orphaned_forks_leaves_nothing) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      auto request =
          shell("for i in 1 2 3 4 5 6 7 8; do (sleep 100 &) ; done; echo forked; sleep 100");
      request.use_cgroup = use_cgroup;
      request.timeout = 1s;
      const auto result = run_process(request);
      BOOST_TEST(result.timed_out);
      BOOST_TEST(result.out.head == "forked\n");
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(process_that_keeps_forking_while_killed_does_not_escape) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      // Each generation ignores SIGTERM, starts the next one in a new session and lives on.
      auto request = shell("trap '' TERM; while :; do setsid sh -c 'sleep 100' & sleep 0.05; done");
      request.use_cgroup = use_cgroup;
      request.timeout = 1s;
      request.kill_grace = 300ms;
      const auto result = run_process(request);
      BOOST_TEST(result.timed_out);
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(background_child_is_ended_when_the_main_process_exits) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      auto request = shell("sleep 100 & echo $!");
      request.use_cgroup = use_cgroup;
      const auto before = std::chrono::steady_clock::now();
      const auto result = run_process(request);
      BOOST_TEST(result.exit_code.value_or(-1) == 0);
      BOOST_TEST(!result.timed_out);
      // Well before the 60 s deadline: SIGTERM came right after the main process exited.
      BOOST_TEST((std::chrono::steady_clock::now() - before < 30s));
      BOOST_TEST(recorded(result, std::stoll(result.out.head)));
      check_nothing_left(request, result);
    }
  }
}

BOOST_AUTO_TEST_CASE(detach_leaves_background_children_running_and_reports_them) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      auto request = shell("sleep 100 & echo $!");
      request.use_cgroup = use_cgroup;
      request.detach = true;
      const auto result = run_process(request);
      BOOST_TEST(result.exit_code.value_or(-1) == 0);
      BOOST_TEST_REQUIRE(result.leftovers.size() == 1u);
      const auto &sleeper = result.leftovers.front();
      BOOST_TEST(sleeper.running_at_end);
      BOOST_TEST(result.out.head == std::to_string(sleeper.pid) + "\n");
      const auto pid = static_cast<pid_t>(sleeper.pid);
      BOOST_TEST(still_running(pid, request.id));
      if (use_cgroup) BOOST_TEST(std::filesystem::exists(job_cgroup_path(request.id)));

      ::kill(pid, SIGKILL);
      // The runtime is its subreaper: the detached reaper waits for it, then drops the cgroup.
      BOOST_TEST(eventually([&] { return !state_of(pid); }));
      if (use_cgroup) {
        BOOST_TEST(
            eventually([&] { return !std::filesystem::exists(job_cgroup_path(request.id)); }));
      }
      BOOST_TEST(zombie_children().empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(cancellation_ends_the_command) {
  for (const bool use_cgroup : cgroup_modes()) {
    BOOST_TEST_CONTEXT("use_cgroup " << use_cgroup) {
      std::mutex mutex;
      std::condition_variable output_seen;
      bool got_output = false;
      std::atomic<bool> cancel{false};
      auto request = shell("sleep 100 & echo running; sleep 100");
      request.use_cgroup = use_cgroup;
      request.on_output = [&](std::string_view, std::string_view) {
        std::lock_guard lock(mutex);
        got_output = true;
        output_seen.notify_all();
      };
      request.cancelled = [&] { return cancel.load(); };
      std::thread canceller([&] {
        std::unique_lock lock(mutex);
        output_seen.wait(lock, [&] { return got_output; });
        cancel = true;
      });
      const auto result = run_process(request);
      canceller.join();
      BOOST_TEST(result.cancelled);
      BOOST_TEST(!result.timed_out);
      BOOST_TEST(result.out.head == "running\n");
      check_nothing_left(request, result);
    }
  }
}
