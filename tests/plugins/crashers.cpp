// Test plugin case `crashers` → test-plugins/crashers/libcap_crashers.so
//
// A C++ SDK plugin, "crashers", whose capabilities do what a broken or hostile plugin does in
// its calls, to prove that supervision (a worker process per call) keeps the host, the journal
// and other jobs safe, and ends each job once with a reason:
//   Segfault       writes through a null pointer in execute
//   Abort          calls abort() in execute
//   Exit           calls exit(0) in execute (atexit handlers and all)
//   Hang           loops forever without looking at its deadline
//   ForkReturn     forks; parent and child both return from execute with an output
//   LeaveChild     starts `sleep 300` and returns its pid without waiting for it
//   CrashInValidate  writes through a null pointer in validate
//   Chat           calls the host `calls` times (check_process), then succeeds: the cost of a
//                  round trip to a supervised plugin's host
#include <runtimo/sdk.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace {

using runtimo::sdk::Job;

constexpr const char *kAnyObject =
    R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object"})";

template <class Derived>
struct Crasher {
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }
};

struct Segfault : Crasher<Segfault> {
  static constexpr const char *name = "Segfault";
  static constexpr const char *description = "Write through a null pointer (test plugin)";
  static rt_status execute(Job &, const boost::json::object &) {
    volatile int *p = nullptr;
    *p = 42;
    return RT_OK;
  }
};

struct Abort : Crasher<Abort> {
  static constexpr const char *name = "Abort";
  static constexpr const char *description = "Call abort() (test plugin)";
  static rt_status execute(Job &, const boost::json::object &) { std::abort(); }
};

struct Exit : Crasher<Exit> {
  static constexpr const char *name = "Exit";
  static constexpr const char *description = "Call exit(0) (test plugin)";
  static rt_status execute(Job &, const boost::json::object &) { std::exit(0); }
};

struct Hang : Crasher<Hang> {
  static constexpr const char *name = "Hang";
  static constexpr const char *description = "Loop forever, ignoring the deadline (test plugin)";
  static rt_status execute(Job &, const boost::json::object &) {
    volatile unsigned long spin = 0;
    for (;;) spin = static_cast<unsigned long>(spin) + 1;
  }
};

struct ForkReturn : Crasher<ForkReturn> {
  static constexpr const char *name = "ForkReturn";
  static constexpr const char *description = "Fork and return from both processes (test plugin)";
  static rt_status execute(Job &job, const boost::json::object &) {
    const pid_t child = ::fork();
    return job.output(boost::json::object{{"returned_in", child == 0 ? "child" : "parent"}},
                      child == 0 ? "the child returned" : "the parent returned");
  }
};

struct LeaveChild : Crasher<LeaveChild> {
  static constexpr const char *name = "LeaveChild";
  static constexpr const char *description = "Start sleep 300 and leave it running (test plugin)";
  static rt_status execute(Job &job, const boost::json::object &) {
    const pid_t child = ::fork();
    if (child == 0) {
      ::execl("/bin/sleep", "sleep", "300", static_cast<char *>(nullptr));
      ::_exit(127);
    }
    return job.output(boost::json::object{{"pid", child}}, "left sleep " + std::to_string(child) + " running");
  }
};

struct CrashInValidate {
  static constexpr const char *name = "CrashInValidate";
  static constexpr const char *description = "Write through a null pointer in validate (test plugin)";
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) {
    volatile int *p = nullptr;
    *p = 7;
    return RT_OK;
  }
  static rt_status execute(Job &job, const boost::json::object &) { return job.output(nullptr, "unreachable"); }
};

struct Chat : Crasher<Chat> {
  static constexpr const char *name = "Chat";
  static constexpr const char *description = "Call the host N times (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
          "properties":{"calls":{"type":"integer","minimum":0,"maximum":1000000}}})";
  static rt_status execute(Job &job, const boost::json::object &args) {
    const auto *calls = args.if_contains("calls");
    const std::int64_t n = calls != nullptr ? calls->to_number<std::int64_t>() : 0;
    for (std::int64_t i = 0; i < n; ++i)
      if (job.check_process(1) != RT_DENIED) return job.fail(RT_FAILED, "pid 1 was not protected");
    return job.output(boost::json::object{{"calls", n}}, "chatted");
  }
};

}  // namespace

RUNTIMO_PLUGIN("crashers", "1.0.0", Segfault, Abort, Exit, Hang, ForkReturn, LeaveChild,
               CrashInValidate, Chat)
