// wal/journal_reader.cpp — reading the journal back: read_journal (every segment, oldest
// first, front to back) and tail_journal (the last events, newest segment first, backwards).
// Readers take no lock: they see whole lines, plus at most a line being written at the very
// end, which is reported as unterminated (FORMAT.md, "Reading").
#include "wal/line_scanner.hpp"
#include "wal/posix_file.hpp"
#include "wal/segment_names.hpp"
#include "wal/segment_scan.hpp"

#include <fcntl.h>

#include <algorithm>

namespace runtimo::wal {

namespace {

std::uint64_t seq_of(const boost::json::object &event) {
  const boost::json::value &seq = event.at("seq");
  return seq.is_uint64() ? seq.get_uint64() : static_cast<std::uint64_t>(seq.get_int64());
}

bool job_is(const boost::json::object &event, std::string_view job) {
  const boost::json::value *value = event.if_contains("job");
  if (value == nullptr || !value->is_string()) return false;
  const boost::json::string &s = value->get_string();
  return std::string_view(s.data(), s.size()) == job;
}

}  // namespace

namespace detail {

bool scan_segment(const std::filesystem::path &segment, ScanState &state,
                  const std::function<bool(const JournalRecord &)> &on_record,
                  const std::function<void(const JournalProblem &)> &on_problem) {
  FileDescriptor fd = open_file(segment, O_RDONLY);
  ForwardLineScanner scanner(fd.get(), segment);
  ScannedLine line;
  std::uint64_t number = 0;
  JournalRecord record;
  record.segment = segment;
  auto problem = [&](std::string what) {
    if (on_problem) on_problem(JournalProblem{segment, number, line.offset, std::move(what)});
  };
  while (scanner.next(line)) {
    ++number;
    if (!line.terminated) {
      problem("no terminating newline (a torn write, or a write in progress)");
      continue;
    }
    boost::json::object event;
    if (std::string what = check_line(line.text, &event); !what.empty()) {
      problem(std::move(what));
      continue;
    }
    std::uint64_t seq = seq_of(event);
    if (state.last_seq && seq <= *state.last_seq) {
      problem("seq " + std::to_string(seq) + " does not increase (previous good line has seq " +
              std::to_string(*state.last_seq) + ")");
      continue;
    }
    state.last_seq = seq;
    record.line = number;
    record.offset = line.offset;
    record.seq = seq;
    record.event = std::move(event);
    if (!on_record(record)) return false;
  }
  return true;
}

}  // namespace detail

void read_journal(const std::filesystem::path &dir,
                  const std::function<bool(const JournalRecord &)> &on_record,
                  const std::function<void(const JournalProblem &)> &on_problem) {
  detail::ScanState state;
  for (const auto &segment : detail::list_segment_files(dir)) {
    if (!detail::scan_segment(segment.path, state, on_record, on_problem)) return;
  }
}

std::vector<JournalRecord> tail_journal(const std::filesystem::path &dir, std::size_t n,
                                        std::string_view job) {
  std::vector<JournalRecord> newest_first;
  // Going backwards, seq must decrease: a good line whose seq is not below that of every
  // later good line is out of order and skipped, like read_journal skips it going forwards.
  std::optional<std::uint64_t> later_seq;
  auto segments = detail::list_segment_files(dir);
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    detail::FileDescriptor fd = detail::open_file(it->path, O_RDONLY);
    detail::BackwardLineScanner scanner(fd.get(), detail::file_size(fd.get(), it->path), it->path);
    detail::ScannedLine line;
    while (scanner.previous(line)) {
      if (!line.terminated) continue;  // torn, or being written right now
      boost::json::object event;
      if (!check_line(line.text, &event).empty()) continue;
      std::uint64_t seq = seq_of(event);
      if (later_seq && seq >= *later_seq) continue;
      later_seq = seq;
      if (!job.empty() && !job_is(event, job)) continue;
      JournalRecord record;
      record.segment = it->path;
      record.line = 0;  // unknown: counting lines would mean reading the segment from its start
      record.offset = line.offset;
      record.seq = seq;
      record.event = std::move(event);
      newest_first.push_back(std::move(record));
      if (n != 0 && newest_first.size() == n) {
        std::reverse(newest_first.begin(), newest_first.end());
        return newest_first;
      }
    }
  }
  std::reverse(newest_first.begin(), newest_first.end());
  return newest_first;
}

}  // namespace runtimo::wal
