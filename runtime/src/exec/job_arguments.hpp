// exec/job_arguments.hpp — a job's arguments as the ABI 1.2 services arg() and arg_int() read
// them, so a C plugin needs no JSON parser. One implementation, used by the host's API and by
// a worker's (which answers these locally from the argument text it was sent).
#pragma once

#include <runtimo/abi.h>

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace runtimo::exec {

struct ArgumentAnswer {
  rt_status status = RT_OK;
  rt_json_kind kind = RT_JSON_ABSENT;
  std::string text;   // the value (a string's text, or JSON text) on RT_OK
  std::string error;  // the reason on RT_INVALID_ARGS ("" for RT_NOT_FOUND: not an error)
};

// The member at RFC 6901 `pointer` of `args`.
ArgumentAnswer argument_at(const boost::json::value &args, std::string_view pointer);

// The integer at `pointer` (a JSON integer literal within int64, as the schema check reads
// "integer"): RT_OK with *out, RT_NOT_FOUND, or RT_INVALID_ARGS with the reason.
ArgumentAnswer integer_at(const boost::json::value &args, std::string_view pointer, std::int64_t *out);

}  // namespace runtimo::exec
