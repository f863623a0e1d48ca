// sdk_snapshot_services.cpp — the C++ SDK's wrappers over the ABI 1.1 snapshot services
// (sdk::Job::telemetry and ::processes) against a fake host table: the request text passes
// through, the host's JSON object comes back parsed, a refusal keeps the reason the host
// recorded, and a host table of ABI 1.0 size is a clear RT_INTERNAL instead of a call through
// a pointer that is not there.
#define BOOST_TEST_MODULE sdk_snapshot_services
#include <boost/test/unit_test.hpp>

#include <runtimo/sdk.hpp>

#include <cstddef>
#include <string>

// The host defines rt_job; this fake host's job records what the wrappers did.
struct rt_job {
  std::string request;       // the text the last service call received
  std::string reply;         // what the service answers on RT_OK
  rt_status status = RT_OK;  // what the service returns
  int errors = 0;            // set_error calls
  rt_status error_status = RT_OK;
  std::string error_message, error_hint;
};

namespace {

using runtimo::sdk::Job;

constexpr const char *kRefusal = R"(processes: "limit" must be between 1 and 100000, not 0)";

void set_error(rt_job *job, rt_status status, rt_str message, rt_str hint) {
  ++job->errors;
  job->error_status = status;
  job->error_message.assign(runtimo::sdk::from_rt(message));
  job->error_hint.assign(runtimo::sdk::from_rt(hint));
}

// Both services behave alike here: record the request, refuse as told or answer the reply.
rt_status service(rt_job *job, rt_str request, rt_str *out) {
  job->request.assign(runtimo::sdk::from_rt(request));
  if (job->status != RT_OK) {
    set_error(job, job->status, runtimo::sdk::to_rt(kRefusal), {});
    return job->status;
  }
  *out = runtimo::sdk::to_rt(job->reply);
  return RT_OK;
}

rt_host_api host_1_1() {
  rt_host_api host{};
  host.struct_size = sizeof host;
  host.abi_major = 1;
  host.abi_minor = 1;
  host.set_error = &set_error;
  host.telemetry = &service;
  host.processes = &service;
  return host;
}

}  // namespace

BOOST_AUTO_TEST_CASE(processes_passes_the_query_and_returns_the_hosts_object) {
  const rt_host_api host = host_1_1();
  rt_job job;
  job.reply = R"({"matched":1,"returned":1,"processes":[{"pid":42}]})";
  Job j(&host, &job);
  boost::json::object result;
  BOOST_TEST(j.processes(R"({"pid":42})", &result) == RT_OK);
  BOOST_TEST(job.request == R"({"pid":42})");
  BOOST_TEST(result.at("processes").at(0).at("pid").to_number<int>() == 42);
  BOOST_TEST(job.errors == 0);
}

BOOST_AUTO_TEST_CASE(telemetry_passes_the_sections_and_returns_the_hosts_object) {
  const rt_host_api host = host_1_1();
  rt_job job;
  job.reply = R"({"cpu":{"count":2}})";
  Job j(&host, &job);
  boost::json::object capture;
  BOOST_TEST(j.telemetry(R"(["cpu"])", &capture) == RT_OK);
  BOOST_TEST(job.request == R"(["cpu"])");
  BOOST_TEST(capture.at("cpu").at("count").to_number<int>() == 2);
}

BOOST_AUTO_TEST_CASE(a_refusal_returns_the_status_and_keeps_the_hosts_reason) {
  const rt_host_api host = host_1_1();
  rt_job job;
  job.status = RT_INVALID_ARGS;
  Job j(&host, &job);
  boost::json::object result{{"untouched", true}};
  BOOST_TEST(j.processes(R"({"limit":0})", &result) == RT_INVALID_ARGS);
  BOOST_TEST(job.errors == 1);  // the host's own set_error, not replaced by the SDK
  BOOST_TEST(job.error_message == kRefusal);
  BOOST_TEST(result.contains("untouched"));
}

BOOST_AUTO_TEST_CASE(a_reply_that_is_not_a_json_object_is_internal) {
  const rt_host_api host = host_1_1();
  for (const char *reply : {"[1,2]", "{not json", ""}) {
    rt_job job;
    job.reply = reply;
    Job j(&host, &job);
    boost::json::object capture;
    BOOST_TEST_INFO(reply);
    BOOST_TEST(j.telemetry("[]", &capture) == RT_INTERNAL);
    BOOST_TEST(job.error_message.find("no JSON object") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_host_older_than_abi_1_1_is_internal_and_says_so) {
  rt_host_api host = host_1_1();
  host.struct_size = offsetof(rt_host_api, telemetry);  // an ABI 1.0 table ends before it
  host.abi_minor = 0;
  for (const bool telemetry : {true, false}) {
    rt_job job;
    Job j(&host, &job);
    boost::json::object out;
    const rt_status st = telemetry ? j.telemetry("[]", &out) : j.processes("{}", &out);
    BOOST_TEST(st == RT_INTERNAL);
    BOOST_TEST(job.request.empty());  // the service was never called
    BOOST_TEST(job.error_status == RT_INTERNAL);
    BOOST_TEST(job.error_message.find("older than ABI 1.1") != std::string::npos);
    BOOST_TEST(job.error_message.find(telemetry ? "telemetry" : "process scans") !=
               std::string::npos);
    BOOST_TEST(!job.error_hint.empty());
  }
}
