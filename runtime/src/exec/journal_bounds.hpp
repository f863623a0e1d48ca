// exec/journal_bounds.hpp — keeps journal events bounded: long strings in arguments and
// outputs are cut (at a UTF-8 boundary) and described by their size and SHA-256, so the
// journal never holds a 10 MiB file body.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace runtimo::exec {

// A copy of `v` where every string longer than `max_bytes` is cut to at most `max_bytes`.
// Each cut appends {"path": <JSON pointer under `path`>, "bytes": <full size>, "sha256": ...}
// to `truncated`.
boost::json::value bound_for_journal(const boost::json::value &v, std::uint64_t max_bytes,
                                     const std::string &path, boost::json::array &truncated);

}  // namespace runtimo::exec
