// snapshot/process_query.hpp — filtering, sorting, limiting and tree-ordering a process
// snapshot: the one implementation behind the ProcessList capability (through the host's
// `processes` service), `runtimo processes` and Runtime::processes().
//
// Owns the query's JSON form (the same object the ABI's processes() takes):
//   {"pid":N, "ppid":N, "user":"name", "name":"substring", "sort":"cpu"|"rss"|"start"|"pid",
//    "limit":N, "tree":bool, "cmdline":bool}
// every member optional; "name" matches a case-sensitive substring of comm or cmdline;
// "user" matches the user name, or the uid when given as digits. Sorting is descending for
// cpu and rss (cpu by cpu_pct, then by cpu time when no interval is known), ascending by
// start time for start and by pid for pid (the default). "limit" applies after sorting;
// with "tree", processes come in depth-first tree order (children sorted as asked) with a
// "depth" member, a process whose parent is not among the matches being a root, and the
// limit keeps the first N of that order.
//
// The result (query_result):
//   {"ts":…, "cost_us":…, "interval_ms":…, "summary":{…all processes…},
//    "matched":N (before the limit), "returned":M, "query":{…the normalised query…},
//    "processes":[{…as snapshot::to_json(ProcessInfo)…, "depth":D (tree only)}]}
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "snapshot/process_snapshot.hpp"

namespace runtimo::snapshot {

// A malformed query: what() says which member is wrong and what is allowed.
class QueryError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct ProcessQuery {
  enum class Sort { pid, cpu, rss, start };
  std::optional<std::int64_t> pid;
  std::optional<std::int64_t> ppid;
  std::optional<std::string> user;
  std::optional<std::string> name;
  Sort sort = Sort::pid;
  std::optional<std::size_t> limit;
  bool tree = false;
  bool cmdline = true;

  boost::json::object to_json() const;
};

// Throws QueryError for an unknown member, a wrong type, or a value out of range.
ProcessQuery parse_process_query(const boost::json::object &query);
// The same for any JSON value (as it arrives from a caller): null is the empty query, anything
// but an object a QueryError.
ProcessQuery parse_process_query_value(const boost::json::value &query);

// Applies `query` to `snapshot` (the snapshot is not changed).
boost::json::object query_result(const ProcessSnapshot &snapshot, const ProcessQuery &query);

}  // namespace runtimo::snapshot
