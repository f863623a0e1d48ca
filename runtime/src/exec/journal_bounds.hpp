// exec/journal_bounds.hpp — keeps every journal line under its configured maximum
// (journal.max_line_bytes, 64 KiB by default) whatever a caller or a plugin hands over: a
// 10 MiB file body, a 200 MB array, a megabyte of error message.
//
// Owns the two limits and how values are cut to fit them:
//   * a string longer than `max_string_bytes` keeps its first bytes (cut at a UTF-8 boundary);
//   * an array or object whose serialisation does not fit the room it is given keeps its first
//     members that fit (strings inside cut as above);
// and every cut is described in the event's "truncated" list by its JSON pointer, its full
// size in bytes and the SHA-256 of the full value (of the string's bytes, or of the container's
// JSON serialisation), so the journal says exactly what it did not keep. Event bodies are built
// with BoundedBody, which hands each member the room the line still has.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace runtimo::exec {

// Bytes `v` takes once serialised by boost::json::serialize.
std::uint64_t serialized_size(const boost::json::value &v);

struct JournalBounds {
  std::uint64_t max_string_bytes = 4096;
  std::uint64_t max_line_bytes = 65536;

  // A copy of `v` that serialises to at most `budget` bytes (a scalar is kept whatever its
  // size: numbers are short) with no string over max_string_bytes; each cut appends
  // {"path": <pointer under `path`>, "bytes": <full size>, "sha256": …, "kept": …} to `truncated`.
  boost::json::value fit(const boost::json::value &v, std::uint64_t budget, const std::string &path,
                         boost::json::array &truncated) const;
};

// One event body, built member by member so that its journal line stays under
// max_line_bytes: put() adds small host values as they are, fit() cuts a value to its share of
// the room left. take() adds the "truncated" list (bounded too) and returns the body.
class BoundedBody {
 public:
  BoundedBody(const JournalBounds &bounds, std::string_view job_id);

  void put(std::string_view key, boost::json::value value);
  // At most `share` bytes (and never more than the room left).
  void fit(std::string_view key, const boost::json::value &value, std::uint64_t share);
  // The room left for members.
  std::uint64_t room() const;
  boost::json::object take();

 private:
  const JournalBounds &bounds_;
  std::uint64_t used_;  // the line so far: envelope, members, and the room kept for "truncated"
  boost::json::object body_;
  boost::json::array truncated_;
};

}  // namespace runtimo::exec
