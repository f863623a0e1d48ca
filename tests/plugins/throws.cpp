// Test plugin case `throws` → test-plugins/throws/libcap_throws.so
//
// A C++ plugin built with the SDK (runtimo/sdk.hpp, RUNTIMO_PLUGIN). Plugin "throws" offers
// `Throw`: validate() accepts, execute() throws std::runtime_error. The SDK's wrapper must turn
// the exception into RT_INTERNAL with set_error("plugin raised an exception: ..."), so no
// exception ever crosses the C ABI into the host. It loads fine.
#include <runtimo/sdk.hpp>

#include <stdexcept>

namespace {

struct Throw {
  static constexpr const char *name = "Throw";
  static constexpr const char *description = "Throw a C++ exception from execute (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object"})";
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;

  static rt_status validate(runtimo::sdk::Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(runtimo::sdk::Job &, const boost::json::object &) {
    throw std::runtime_error("deliberate failure from the throws test plugin");
  }
};

}  // namespace

RUNTIMO_PLUGIN("throws", "1.0.0", Throw)
