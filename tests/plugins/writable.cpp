// Test plugin case `writable` → test-plugins/writable/libcap_writable.so
//
// A valid C++ SDK plugin, "writable", offering `WritableProbe` (returns {"loaded":true}). Its
// file is made mode 0666 by a POST_BUILD command, so the loader's permission check must refuse
// it ("writable by other users (mode 0666) ... chmod go-w"), and load it when the check is off.
#include <runtimo/sdk.hpp>

namespace {

struct WritableProbe {
  static constexpr const char *name = "WritableProbe";
  static constexpr const char *description =
      "A valid capability in a world-writable file (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object"})";
  static constexpr std::uint32_t flags = RT_CAP_READ_ONLY;

  static rt_status validate(runtimo::sdk::Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(runtimo::sdk::Job &job, const boost::json::object &) {
    return job.output(boost::json::object{{"loaded", true}}, "the writable plugin ran");
  }
};

}  // namespace

RUNTIMO_PLUGIN("writable", "1.0.0", WritableProbe)
