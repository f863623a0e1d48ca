// Test plugin case `hostile_outputs` → test-plugins/hostile_outputs/libcap_hostile.so
//
// A C++ SDK plugin, "hostile", whose capabilities hand the host what a careless or hostile
// author would, to prove that nothing a plugin hands over can make a job's record unwritable
// or unbounded, and that a handle cannot be used outside its call:
//   BadText       fails with a message and a hint that are not UTF-8 (and hold terminal escapes)
//   HugeOutput    succeeds with an array of `items` numbers and a 1 MiB message
//   HugeNote      journals a note with a 1 MiB string and a 100 000-member object
//   OutputInValidate  calls set_output and wal_event from validate, then accepts
//   LateCalls     leaves a thread that waits until its handle has been taken back, then calls
//                 wal_event, set_output and set_error with it; LateCallsReport returns what
//                 those calls returned (once the thread is done)
#include <runtimo/sdk.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace {

using runtimo::sdk::Job;
using runtimo::sdk::to_rt;

constexpr const char *kAnyObject =
    R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object"})";

struct BadText {
  static constexpr const char *name = "BadText";
  static constexpr const char *description = "Fail with a message that is not UTF-8 (test plugin)";
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(Job &job, const boost::json::object &) {
    return job.fail(RT_FAILED, "bad \xff\xfe bytes \x1b[31mred\x1b[0m \xc3", "hint \xed\xa0\x80 end");
  }
};

struct HugeOutput {
  static constexpr const char *name = "HugeOutput";
  static constexpr const char *description = "Succeed with a huge output (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
          "properties":{"items":{"type":"integer","minimum":0,"maximum":100000000}}})";
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(Job &job, const boost::json::object &args) {
    const auto items = static_cast<std::size_t>(args.at("items").to_number<std::int64_t>());
    // Built as text: a boost::json::array of 10^7 values would cost the plugin far more.
    std::string data = "{\"numbers\":[";
    data.reserve(items * 9 + 16);
    for (std::size_t i = 0; i < items; ++i) {
      if (i) data += ',';
      data += std::to_string(10000000 + i);
    }
    data += "]}";
    const std::string message(1 << 20, 'm');
    return job.host()->set_output(job.handle(), to_rt(data), to_rt(message));
  }
};

struct HugeNote {
  static constexpr const char *name = "HugeNote";
  static constexpr const char *description = "Journal a huge note (test plugin)";
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(Job &job, const boost::json::object &) {
    boost::json::object members;
    for (int i = 0; i < 100000; ++i) members["k" + std::to_string(i)] = i;
    const rt_status st = job.note("huge", {{"text", std::string(1 << 20, 'n')}, {"members", members}});
    if (st != RT_OK) return st;
    return job.output(boost::json::object{{"noted", true}}, "noted");
  }
};

struct OutputInValidate {
  static constexpr const char *name = "OutputInValidate";
  static constexpr const char *description = "Report output from validate (test plugin)";
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &job, const boost::json::object &) {
    const rt_status output = job.output(boost::json::object{{"from", "validate"}}, "early");
    const rt_status note = job.note("early", {{"from", "validate"}});
    // Accept, and tell execute what the host said.
    std::lock_guard lock(mutex());
    statuses() = {output, note};
    return RT_OK;
  }
  static rt_status execute(Job &job, const boost::json::object &) {
    std::lock_guard lock(mutex());
    return job.output(boost::json::object{{"set_output", statuses().first}, {"wal_event", statuses().second}},
                      "reported");
  }
  static std::mutex &mutex() {
    static std::mutex m;
    return m;
  }
  static std::pair<rt_status, rt_status> &statuses() {
    static std::pair<rt_status, rt_status> s{-1, -1};
    return s;
  }
};

// What the late thread saw.
struct LateResult {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  rt_status note = -1, output = -1;
  std::int32_t cancelled = -1;
};
LateResult &late() {
  static auto *r = new LateResult;  // the thread may outlive everything else
  return *r;
}

struct LateCalls {
  static constexpr const char *name = "LateCalls";
  static constexpr const char *description = "Use the job handle after execute returned (test plugin)";
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(Job &job, const boost::json::object &) {
    const rt_host_api *host = job.host();
    rt_job *handle = job.handle();
    std::thread([host, handle] {
      // A lent handle reads as not cancelled (the deadline is far); a returned one as cancelled.
      while (host->cancelled(handle) == 0) std::this_thread::yield();
      LateResult &r = late();
      const rt_status note = host->wal_event(handle, to_rt("late"), to_rt("{\"after\":\"return\"}"));
      const rt_status output = host->set_output(handle, to_rt("{\"late\":true}"), to_rt("late"));
      host->set_error(handle, RT_FAILED, to_rt("late error"), to_rt(""));
      std::lock_guard lock(r.mutex);
      r.note = note;
      r.output = output;
      r.cancelled = host->cancelled(handle);
      r.done = true;
      r.done_cv.notify_all();
    }).detach();
    return job.output(boost::json::object{{"left", "a thread"}}, "left a thread holding the handle");
  }
};

struct LateCallsReport {
  static constexpr const char *name = "LateCallsReport";
  static constexpr const char *description = "Report what the late thread saw (test plugin)";
  static constexpr const char *schema = kAnyObject;
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;
  static rt_status validate(Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(Job &job, const boost::json::object &) {
    LateResult &r = late();
    std::unique_lock lock(r.mutex);
    r.done_cv.wait(lock, [&] { return r.done; });
    return job.output(boost::json::object{{"wal_event", r.note}, {"set_output", r.output},
                                          {"cancelled", r.cancelled}},
                      "reported");
  }
};

}  // namespace

RUNTIMO_PLUGIN("hostile", "1.0.0", BadText, HugeOutput, HugeNote, OutputInValidate, LateCalls,
               LateCallsReport)
