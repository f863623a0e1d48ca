// Test plugin case `spawner` → test-plugins/spawner/libcap_spawner.so
//
// A C++ SDK plugin, "spawner", offering `Spawn` ({"seconds": 1..60}): execute() starts a
// detached `/bin/sleep SECONDS` (double fork, new session, no inherited descriptors) that
// outlives the job, and returns its pid. It proves that the process delta of a job's
// terminal event shows the processes the job started.
#include <runtimo/sdk.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace {

// The pid of a detached `sleep seconds`, or -1.
pid_t spawn_detached_sleep(int seconds) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  const std::string arg = std::to_string(seconds);
  const pid_t middle = ::fork();
  if (middle == 0) {
    ::setsid();
    const pid_t child = ::fork();
    if (child == 0) {
      const int null_fd = ::open("/dev/null", O_RDWR);
      ::dup2(null_fd, 0);
      ::dup2(null_fd, 1);
      ::dup2(null_fd, 2);
      ::execl("/bin/sleep", "sleep", arg.c_str(), static_cast<char *>(nullptr));
      ::_exit(127);
    }
    (void)!::write(fds[1], &child, sizeof child);
    ::_exit(0);
  }
  ::close(fds[1]);
  pid_t child = -1;
  if (middle > 0) {
    ::waitpid(middle, nullptr, 0);
    if (::read(fds[0], &child, sizeof child) != static_cast<ssize_t>(sizeof child)) child = -1;
    // The write end is close-on-exec in the grandchild: end of file means it has exec'd, so
    // the job's after-snapshot sees `sleep`, not a copy of the runtime.
    char byte;
    while (::read(fds[0], &byte, 1) > 0) {
    }
  }
  ::close(fds[0]);
  return child;
}

struct Spawn {
  static constexpr const char *name = "Spawn";
  static constexpr const char *description = "Start a detached sleep that outlives the job (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
          "properties":{"seconds":{"type":"integer","minimum":1,"maximum":60}},
          "required":["seconds"],"additionalProperties":false})";
  static constexpr std::uint32_t flags = RT_CAP_SPAWNS;

  static rt_status validate(runtimo::sdk::Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(runtimo::sdk::Job &job, const boost::json::object &args) {
    const pid_t pid = spawn_detached_sleep(static_cast<int>(args.at("seconds").to_number<std::int64_t>()));
    if (pid <= 0) return job.fail(RT_FAILED, "spawner: could not start sleep");
    return job.output(boost::json::object{{"pid", pid}}, "started sleep " + std::to_string(pid));
  }
};

}  // namespace

RUNTIMO_PLUGIN("spawner", "1.0.0", Spawn)
