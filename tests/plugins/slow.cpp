// Test plugin case `slow` → test-plugins/slow/libcap_slow.so
//
// A C++ SDK plugin, "slow", offering `Slow` (any object as arguments): execute() polls the
// job every 5 ms until job.cancelled() or job.remaining_ms() == 0, and then fails with
// RT_TIMEOUT when the deadline has passed, or RT_CANCELLED when the job was cancelled before
// it. It proves that the host's deadlines and cancellation reach in-process code.
#include <runtimo/sdk.hpp>

#include <chrono>
#include <thread>

namespace {

struct Slow {
  static constexpr const char *name = "Slow";
  static constexpr const char *description =
      "Wait until the job's deadline or cancellation (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object"})";
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;

  static rt_status validate(runtimo::sdk::Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(runtimo::sdk::Job &job, const boost::json::object &) {
    while (!job.cancelled() && job.remaining_ms() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (job.remaining_ms() <= 0) {
      return job.fail(RT_TIMEOUT, "slow: the job's deadline passed before it finished",
                      "give the job a longer timeout");
    }
    return job.fail(RT_CANCELLED, "slow: the job was cancelled");
  }
};

}  // namespace

RUNTIMO_PLUGIN("slow", "1.0.0", Slow)
