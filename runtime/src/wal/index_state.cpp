// wal/index_state.cpp — the job index's meta file, read and replaced atomically; see
// index_state.hpp.
#include "wal/index_state.hpp"

#include "wal/crc32c.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace runtimo::wal::detail {

namespace {

namespace json = boost::json;

constexpr std::string_view kMagic = "runtimo-index-meta";

// A slot's header line and body, when its CRC holds.
struct Slot {
  std::uint64_t generation = 0;
  std::string body;
};

std::optional<Slot> read_slot(const JournalDir &index, std::string_view name) {
  struct stat st {};
  FileDescriptor fd = index.open_if_exists(name, O_RDONLY, nullptr, &st);
  if (!fd.valid()) return std::nullopt;
  std::string text;
  pread_exact(fd.get(), 0, static_cast<std::uint64_t>(st.st_size), text, index.path_of(name));
  // "<magic> <generation> <length> <crc>\n<body>" — anything else is a torn or foreign slot.
  unsigned long long generation = 0, length = 0;
  unsigned crc = 0;
  int header = 0;
  std::string format = std::string(kMagic) + " %llu %llu %8x\n%n";
  if (std::sscanf(text.c_str(), format.c_str(), &generation, &length, &crc, &header) != 3 ||
      header <= 0 || text.size() - static_cast<std::size_t>(header) < length) {
    return std::nullopt;
  }
  std::string_view body = std::string_view(text).substr(static_cast<std::size_t>(header), length);
  Crc32c check;
  check.update(body);
  if (check.value() != crc) return std::nullopt;
  return Slot{generation, std::string(body)};
}

json::object segment_to_json(const IndexedSegment &s) {
  return json::object{{"number", s.number},
                      {"dev", s.dev},
                      {"ino", s.ino},
                      {"end", s.end},
                      {"last_offset", s.last_offset},
                      {"last_crc", s.last_crc},
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

bool read_index_state(const JournalDir &index, IndexState &state, std::string &why,
                      std::uint64_t known_generation) {
  std::optional<Slot> newest;
  for (std::string_view name : kIndexMetaSlots) {
    auto slot = read_slot(index, name);
    if (slot && (!newest || slot->generation > newest->generation)) newest = std::move(slot);
  }
  if (!newest) {
    why = "no index yet";
    return false;
  }
  if (newest->generation == known_generation) return true;
  boost::system::error_code ec;
  json::value value = json::parse(newest->body, ec);
  const json::object *o = value.if_object();
  const json::value *format = o != nullptr ? o->if_contains("format") : nullptr;
  if (ec || format == nullptr || !format->is_int64() || format->get_int64() != kIndexFormat) {
    why = "the index is of another format";
    return false;
  }
  try {
    state = state_from_json(*o);
  } catch (const std::exception &) {  // a member missing or of the wrong kind
    why = "the index's meta file is incomplete";
    return false;
  }
  state.generation = newest->generation;
  return true;
}

void write_index_state(const JournalDir &index, IndexState &state) {
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
  const std::string body = json::serialize(meta) + "\n";
  Crc32c crc;
  crc.update(body);
  const std::uint64_t generation = state.generation + 1;
  char header[96];
  std::snprintf(header, sizeof header, "%s %llu %zu %08x\n", kMagic.data(),
                static_cast<unsigned long long>(generation), body.size(), crc.value());
  const std::string text = header + body;
  // Overwrite in place; bytes past the new end are ignored (the header's length says where
  // the body ends), so the slot is never truncated or reallocated.
  const std::string_view slot = kIndexMetaSlots[generation % 2];
  FileDescriptor fd = index.open_regular(slot, O_WRONLY | O_CREAT);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n =
        ::pwrite(fd.get(), text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("write", index.path_of(slot), n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  state.generation = generation;
}

void remove_index_state(const JournalDir &index) {
  for (std::string_view name : kIndexMetaSlots) index.unlink(name);
}

}  // namespace runtimo::wal::detail
