// exec/job_arguments.cpp — see job_arguments.hpp.
#include "exec/job_arguments.hpp"

#include <boost/json.hpp>

namespace runtimo::exec {
namespace {

namespace json = boost::json;

rt_json_kind kind_of(const json::value &v) {
  switch (v.kind()) {
    case json::kind::null: return RT_JSON_NULL;
    case json::kind::bool_: return RT_JSON_BOOL;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return RT_JSON_NUMBER;
    case json::kind::string: return RT_JSON_STRING;
    case json::kind::array: return RT_JSON_ARRAY;
    case json::kind::object: return RT_JSON_OBJECT;
  }
  return RT_JSON_ABSENT;
}

// The value at `pointer`, nullptr when absent; sets `answer` for a malformed pointer.
const json::value *find(const json::value &args, std::string_view pointer, ArgumentAnswer &answer) {
  if (!pointer.empty() && pointer.front() != '/') {
    answer.status = RT_INVALID_ARGS;
    answer.error = "arg: \"" + std::string(pointer) +
                   "\" is not a JSON pointer: it must be empty or start with '/' (e.g. \"/path\")";
    return nullptr;
  }
  boost::system::error_code ec;
  const json::value *v = args.find_pointer(json::string_view(pointer.data(), pointer.size()), ec);
  if (v == nullptr) {
    answer.status = ec == json::error::syntax || ec == json::error::invalid_escape ? RT_INVALID_ARGS : RT_NOT_FOUND;
    if (answer.status == RT_INVALID_ARGS)
      answer.error = "arg: \"" + std::string(pointer) + "\" is not a valid JSON pointer (" + ec.message() +
                     "); write '/' as ~1 and '~' as ~0 inside a name";
  }
  return v;
}

}  // namespace

ArgumentAnswer argument_at(const json::value &args, std::string_view pointer) {
  ArgumentAnswer answer;
  const json::value *v = find(args, pointer, answer);
  if (v == nullptr) return answer;
  answer.kind = kind_of(*v);
  answer.text = v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
  return answer;
}

ArgumentAnswer integer_at(const json::value &args, std::string_view pointer, std::int64_t *out) {
  ArgumentAnswer answer;
  const json::value *v = find(args, pointer, answer);
  if (v == nullptr) return answer;
  answer.kind = kind_of(*v);
  if (v->is_int64()) {
    if (out != nullptr) *out = v->get_int64();
    return answer;
  }
  answer.status = RT_INVALID_ARGS;
  answer.error = "the argument at " + std::string(pointer) + " is " +
                 (v->is_number() ? json::serialize(*v) + ", not an integer within int64 (write it without a fraction or exponent)"
                                 : "not a number");
  return answer;
}

}  // namespace runtimo::exec
