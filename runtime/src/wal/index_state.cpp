// wal/index_state.cpp — the job index's meta file, read and replaced atomically; see
// index_state.hpp.
#include "wal/index_state.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include <fcntl.h>
#include <unistd.h>

namespace runtimo::wal::detail {

namespace {

namespace json = boost::json;

constexpr std::string_view kTempName = "meta.json.tmp";

json::object segment_to_json(const IndexedSegment &s) {
  return json::object{{"number", s.number},     {"dev", s.dev},
                      {"ino", s.ino},           {"end", s.end},
                      {"last_offset", s.last_offset}, {"last_crc", s.last_crc},
                      {"refused", s.refused}};
}

IndexedSegment segment_from_json(const json::object &o) {
  IndexedSegment s;
  s.number = std::string(o.at("number").as_string());
  s.dev = json::value_to<std::uint64_t>(o.at("dev"));
  s.ino = json::value_to<std::uint64_t>(o.at("ino"));
  s.end = json::value_to<std::uint64_t>(o.at("end"));
  s.last_offset = json::value_to<std::uint64_t>(o.at("last_offset"));
  s.last_crc = json::value_to<std::uint32_t>(o.at("last_crc"));
  s.refused = o.at("refused").as_bool();
  return s;
}

json::object open_job_to_json(const OpenJob &j) {
  return json::object{{"job", j.job},
                      {"started_seq", j.started_seq},
                      {"capability", j.capability},
                      {"runner", j.runner}};
}

OpenJob open_job_from_json(const json::object &o) {
  OpenJob j;
  j.job = std::string(o.at("job").as_string());
  j.started_seq = json::value_to<std::uint64_t>(o.at("started_seq"));
  j.capability = std::string(o.at("capability").as_string());
  j.runner = o.at("runner").as_object();
  return j;
}

IndexState state_from_json(const json::object &o) {
  IndexState state;
  state.wal_dev = json::value_to<std::uint64_t>(o.at("wal_dev"));
  state.wal_ino = json::value_to<std::uint64_t>(o.at("wal_ino"));
  for (const auto &s : o.at("segments").as_array()) {
    state.segments.push_back(segment_from_json(s.as_object()));
  }
  state.max_seq = json::value_to<std::uint64_t>(o.at("max_seq"));
  for (const auto &range : o.at("seen").as_array()) {
    const auto &pair = range.as_array();
    state.seen.insert_interval(json::value_to<std::uint64_t>(pair.at(0)),
                               json::value_to<std::uint64_t>(pair.at(1)));
  }
  const auto &buckets = o.at("bucket_records").as_array();
  if (buckets.size() != kIndexBuckets) throw std::invalid_argument("bucket count");
  for (std::size_t b = 0; b < kIndexBuckets; ++b) {
    state.bucket_records[b] = json::value_to<std::uint64_t>(buckets[b]);
  }
  for (const auto &j : o.at("open_jobs").as_array()) {
    OpenJob job = open_job_from_json(j.as_object());
    std::string id = job.job;
    state.open_jobs.emplace(std::move(id), std::move(job));
  }
  return state;
}

}  // namespace

std::optional<IndexState> read_index_state(const JournalDir &index, std::string &why) {
  FileDescriptor fd = index.open_if_exists(kIndexMetaName, O_RDONLY, &why);
  if (!fd.valid()) {
    if (why.empty()) why = "no index yet";
    return std::nullopt;
  }
  std::string text;
  pread_exact(fd.get(), 0, file_size(fd.get(), index.path_of(kIndexMetaName)), text,
              index.path_of(kIndexMetaName));
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    why = "the index's meta file is not JSON";
    return std::nullopt;
  }
  const json::object &o = value.get_object();
  const json::value *format = o.if_contains("format");
  if (format == nullptr || !format->is_int64() || format->get_int64() != kIndexFormat) {
    why = "the index is of another format";
    return std::nullopt;
  }
  try {
    return state_from_json(o);
  } catch (const std::exception &) {  // a member missing or of the wrong kind
    why = "the index's meta file is incomplete";
    return std::nullopt;
  }
}

void write_index_state(const JournalDir &index, const IndexState &state) {
  json::array segments;
  for (const auto &s : state.segments) segments.push_back(segment_to_json(s));
  json::array seen;
  for (const auto &[first, last] : state.seen.intervals()) seen.push_back(json::array{first, last});
  json::array buckets(state.bucket_records.begin(), state.bucket_records.end());
  json::array open_jobs;
  for (const auto &[id, job] : state.open_jobs) open_jobs.push_back(open_job_to_json(job));
  json::object meta{{"format", kIndexFormat},
                    {"wal_dev", state.wal_dev},
                    {"wal_ino", state.wal_ino},
                    {"segments", std::move(segments)},
                    {"max_seq", state.max_seq},
                    {"seen", std::move(seen)},
                    {"bucket_records", std::move(buckets)},
                    {"open_jobs", std::move(open_jobs)}};
  std::string text = json::serialize(meta);
  text += '\n';
  FileDescriptor fd = index.open_regular(kTempName, O_WRONLY | O_CREAT | O_TRUNC);
  std::uint64_t written = 0;
  if (int err = write_all(fd.get(), text, written)) {
    throw_errno("write", index.path_of(kTempName), err);
  }
  index.rename(kTempName, kIndexMetaName);
}

}  // namespace runtimo::wal::detail
