// wal/journal_reader.cpp — reading the journal back: read_journal (every segment, oldest
// first, front to back) and tail_journal (the last events, newest segment first, backwards).
// Readers take no lock: they see whole lines, plus at most a line being written at the very
// end, which is reported as unterminated. Both apply the same seq rule (seq_order.hpp), each
// in its direction (FORMAT.md, "Reading").
#include "wal/journal_dir.hpp"
#include "wal/line_scanner.hpp"
#include "wal/segment_scan.hpp"
#include "wal/seq_order.hpp"

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

std::vector<std::filesystem::path> list_segments(const std::filesystem::path &dir) {
  std::vector<std::filesystem::path> paths;
  auto journal = detail::JournalDir::open_existing(dir);
  if (!journal) return paths;
  for (const auto &segment : journal->segments()) paths.push_back(journal->path_of(segment.name));
  return paths;
}

void read_journal(const std::filesystem::path &dir,
                  const std::function<bool(const JournalRecord &)> &on_record,
                  const std::function<void(const JournalProblem &)> &on_problem) {
  auto journal = detail::JournalDir::open_existing(dir);
  if (!journal) return;
  detail::SeqOrder order(detail::ReadDirection::forward);
  JournalRecord record;
  std::string problem;
  for (const auto &segment : journal->segments()) {
    record.segment = journal->path_of(segment.name);
    auto on_line = [&](const detail::SegmentLine &line) {
      boost::json::object event;
      if (std::string what = check_line(line.text, &event); !what.empty()) {
        detail::report(on_problem, *journal, segment, line.number, line.offset, std::move(what));
        return true;
      }
      std::uint64_t seq = seq_of(event);
      bool admitted = order.admit(seq, problem);
      if (!problem.empty()) {
        detail::report(on_problem, *journal, segment, line.number, line.offset, problem);
      }
      if (!admitted) return true;
      record.line = line.number;
      record.offset = line.offset;
      record.seq = seq;
      record.event = std::move(event);
      return on_record(record);
    };
    if (detail::scan_segment_lines(*journal, segment, 0, on_line, on_problem).stopped) return;
  }
}

std::vector<JournalRecord> tail_journal(
    const std::filesystem::path &dir, std::size_t n, std::string_view job,
    const std::function<void(const JournalProblem &)> &on_problem) {
  std::vector<JournalRecord> newest_first;
  auto journal = detail::JournalDir::open_existing(dir);
  if (!journal) return newest_first;
  detail::SeqOrder order(detail::ReadDirection::backward);
  std::string problem;
  auto segments = journal->segments();
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    std::string refusal;
    detail::FileDescriptor fd = journal->open_regular(it->name, O_RDONLY, 0, &refusal);
    const std::filesystem::path path = journal->path_of(it->name);
    if (!fd.valid()) {
      detail::report(on_problem, *journal, *it, 0, 0, refusal + "; skipped");
      continue;
    }
    detail::BackwardLineScanner scanner(fd.get(), detail::file_size(fd.get(), path), path);
    detail::ScannedLine line;
    while (scanner.previous(line)) {
      if (!line.terminated) continue;  // torn, or being written right now
      boost::json::object event;
      if (std::string what = check_line(line.text, &event); !what.empty()) {
        detail::report(on_problem, *journal, *it, 0, line.offset, std::move(what));
        continue;
      }
      std::uint64_t seq = seq_of(event);
      bool admitted = order.admit(seq, problem);
      if (!problem.empty()) detail::report(on_problem, *journal, *it, 0, line.offset, problem);
      if (!admitted || (!job.empty() && !job_is(event, job))) continue;
      JournalRecord record;
      record.segment = path;
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
