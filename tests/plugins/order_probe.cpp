// Test plugin case `order_probe` → test-plugins/order_probe/libcap_order_probe.so
//
// Proves the host's order "schema → validate → execute, with the very same argument text".
// Plugin "order_probe" offers `OrderProbe`, whose schema requires an integer "value":
//   * validate() accepts only an even "value" (RT_INVALID_ARGS otherwise) and records the
//     acceptance as (job id, exact argument text) in a mutex-protected multiset;
//   * execute() consumes one matching record; if there is none — execute without a successful
//     validate for this job, or with different argument text — it prints why to stderr and
//     calls std::abort(), so a pipeline that breaks the order kills its test.
// It uses the SDK's Job wrapper but its own rt_capability table, because the exact argument
// text is needed (RUNTIMO_PLUGIN hands capabilities the parsed object only).
#include <runtimo/sdk.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>

namespace {

using runtimo::sdk::from_rt;

std::mutex accepted_mutex;
std::multiset<std::string> accepted;  // job id + '\n' + argument text

std::string key(runtimo::sdk::Job &job, rt_str args) {
  return std::string(job.id()) + '\n' + std::string(from_rt(args));
}

rt_status probe_validate(const rt_host_api *host, rt_job *handle, rt_str args) noexcept {
  runtimo::sdk::Job job(host, handle);
  try {
    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(from_rt(args), ec);
    const boost::json::value *value =
        !ec && parsed.is_object() ? parsed.get_object().if_contains("value") : nullptr;
    if (value == nullptr || !(value->is_int64() || value->is_uint64())) {
      return job.fail(RT_INVALID_ARGS, "order_probe: \"value\" must be an integer",
                      "pass {\"value\": 2}");
    }
    const bool even = value->is_int64() ? value->get_int64() % 2 == 0 : value->get_uint64() % 2 == 0;
    if (!even) {
      return job.fail(RT_INVALID_ARGS,
                      "order_probe: \"value\" must be even (got " + boost::json::serialize(*value) + ")",
                      "pass an even integer");
    }
    const std::lock_guard<std::mutex> lock(accepted_mutex);
    accepted.insert(key(job, args));
    return RT_OK;
  } catch (const std::exception &e) {
    return job.fail(RT_INTERNAL, std::string("order_probe: ") + e.what());
  }
}

rt_status probe_execute(const rt_host_api *host, rt_job *handle, rt_str args) noexcept {
  runtimo::sdk::Job job(host, handle);
  try {
    const std::string k = key(job, args);
    {
      const std::lock_guard<std::mutex> lock(accepted_mutex);
      const auto it = accepted.find(k);
      if (it == accepted.end()) {
        std::fprintf(stderr,
                     "order_probe: execute() of job %.*s got arguments validate() never "
                     "accepted for it: %.*s — aborting\n",
                     static_cast<int>(job.id().size()), job.id().data(),
                     static_cast<int>(args.len), args.ptr == nullptr ? "" : args.ptr);
        std::abort();
      }
      accepted.erase(it);
    }
    return job.output(boost::json::object{{"validated_first", true}}, "validate ran first");
  } catch (const std::exception &e) {
    return job.fail(RT_INTERNAL, std::string("order_probe: ") + e.what());
  }
}

constexpr rt_capability kOrderProbe{
    sizeof(rt_capability),
    "OrderProbe",
    "Abort unless validate accepted these exact arguments first (test plugin)",
    R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",)"
    R"("properties":{"value":{"type":"integer"}},"required":["value"],)"
    R"("additionalProperties":false})",
    RT_CAP_READ_ONLY,
    &probe_validate,
    &probe_execute,
};

constexpr const rt_capability *kCapabilities[] = {&kOrderProbe};

}  // namespace

extern "C" RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) {
  static const rt_plugin table{
      sizeof(rt_plugin), RT_ABI_MAJOR, RT_ABI_MINOR, "order_probe", "1.0.0", 1, kCapabilities,
  };
  return &table;
}
