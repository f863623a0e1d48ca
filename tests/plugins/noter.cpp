// Test plugin case `noter` → test-plugins/noter/libcap_noter.so
//
// A C++ SDK plugin, "noter", offering `Note` ({"text": "…"}): a capability that may change the
// machine (no READ_ONLY flag, so its job.started is durable before execute) and journals one
// note before it completes. The crash tests kill runtimes in the middle of its jobs: every
// journal write a job can make (a durable start, a note, the end) happens in each of them.
#include <runtimo/sdk.hpp>

namespace {

struct Note {
  static constexpr const char *name = "Note";
  static constexpr const char *description = "Journal a note, then complete (test plugin)";
  static constexpr const char *schema =
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
          "properties":{"text":{"type":"string","maxLength":200}}})";
  static constexpr std::uint32_t flags = 0;

  static rt_status validate(runtimo::sdk::Job &, const boost::json::object &) { return RT_OK; }
  static rt_status execute(runtimo::sdk::Job &job, const boost::json::object &args) {
    const auto *text = args.if_contains("text");
    const std::string t = text != nullptr ? std::string(text->as_string()) : "note";
    if (const rt_status st = job.note("noted", {{"text", t}}); st != RT_OK) return st;
    return job.output(boost::json::object{{"noted", t}}, "noted");
  }
};

}  // namespace

RUNTIMO_PLUGIN("noter", "1.0.0", Note)
