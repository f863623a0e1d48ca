// schema_patterns.cpp — what checking an argument against a catastrophic pattern costs now that
// patterns run on RE2 (linear time): CompiledSchema::validate of {"s": …} against a schema
// whose "s" has "pattern": "^(a+)+$" (std::regex: 35 bytes of "aaa…!" never finish; 100 000
// bytes overflow the stack), for a 35-byte and a 1 MiB string, each rejected ("aaa…!") and
// accepted ("aaa…a"), and a schema of the same shape without a pattern for comparison.
//
//   bench/bench_schema_patterns [RUNS]
//
// Prints, per case, the median, p90 and min of validate() over RUNS calls (default 51, after
// 3 warm-ups), then one JSON line.
#include "bench_support.hpp"

#include "schema/schema_validator.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using bench::Clock;

std::shared_ptr<const runtimo::schema::CompiledSchema> compile(const std::string &property) {
  std::vector<runtimo::schema::SchemaError> problems;
  auto schema = runtimo::schema::CompiledSchema::compile(
      json::parse(R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object",)"
                  R"("properties":{"s":)" +
                  property + "}}"),
      problems);
  if (!schema) bench::die("the bench schema does not compile: " + problems.front().message);
  return schema;
}

struct Case {
  const char *name;
  const runtimo::schema::CompiledSchema *schema;
  std::string s;
  bool valid;
};

}  // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 51;
  const auto catastrophic = compile(R"({"type":"string","pattern":"^(a+)+$"})");
  const auto plain = compile(R"({"type":"string"})");
  const std::size_t mib = 1u << 20;
  const std::vector<Case> cases = {
      {"35 B \"aaa…!\", ^(a+)+$", catastrophic.get(), std::string(34, 'a') + "!", false},
      {"35 B \"aaa…a\", ^(a+)+$", catastrophic.get(), std::string(35, 'a'), true},
      {"1 MiB \"aaa…!\", ^(a+)+$", catastrophic.get(), std::string(mib - 1, 'a') + "!", false},
      {"1 MiB \"aaa…a\", ^(a+)+$", catastrophic.get(), std::string(mib, 'a'), true},
      {"1 MiB, no pattern", plain.get(), std::string(mib, 'a'), true},
  };
  std::printf("%-28s %12s %12s %12s\n", "validate()", "median µs", "p90 µs", "min µs");
  std::string line =
      "{\"bench\":\"schema_patterns\",\"runs\":" + std::to_string(runs) + ",\"median_us\":{";
  for (const Case &c : cases) {
    json::object doc;
    doc["s"] = c.s;
    std::vector<double> times;
    for (int i = 0; i < runs + 3; ++i) {
      const auto start = Clock::now();
      const bool valid = c.schema->validate(doc).empty();
      const double us = bench::micros_since(start);
      if (valid != c.valid) bench::die(std::string("wrong verdict for ") + c.name);
      if (i >= 3) times.push_back(us);
    }
    const bench::Stats st = bench::stats(times);
    std::printf("%-28s %12.1f %12.1f %12.1f\n", c.name, st.median, st.p90, st.min);
    line += std::string(line.back() == '{' ? "" : ",") + json::serialize(json::string(c.name)) +
            ":" + std::to_string(st.median);
  }
  std::printf("%s}}\n", line.c_str());
}
