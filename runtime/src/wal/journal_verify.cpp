// wal/journal_verify.cpp — verify_journal: every line of every segment checked (JSON object,
// crc, strictly increasing seq), every problem listed; and its JSON form for the CLI.
#include "wal/segment_names.hpp"
#include "wal/segment_scan.hpp"

namespace runtimo::wal {

VerifyReport verify_journal(const std::filesystem::path &dir) {
  VerifyReport report;
  detail::ScanState state;
  auto on_record = [&](const JournalRecord &record) {
    ++report.lines;
    if (report.first_seq == 0) report.first_seq = record.seq;
    report.last_seq = record.seq;
    return true;
  };
  auto on_problem = [&](const JournalProblem &problem) {
    ++report.lines;
    report.problems.push_back(problem);
  };
  for (const auto &segment : detail::list_segment_files(dir)) {
    ++report.segments;
    try {
      detail::scan_segment(segment.path, state, on_record, on_problem);
    } catch (const JournalError &error) {
      // An unreadable segment is one more problem; the others are still checked.
      report.problems.push_back(JournalProblem{segment.path, 0, 0, error.what()});
    }
  }
  return report;
}

boost::json::object VerifyReport::to_json() const {
  boost::json::array list;
  for (const auto &problem : problems) {
    list.push_back(boost::json::object{{"segment", problem.segment.string()},
                                       {"line", problem.line},
                                       {"offset", problem.offset},
                                       {"what", problem.what}});
  }
  return boost::json::object{{"ok", ok()},           {"segments", segments},
                             {"lines", lines},       {"first_seq", first_seq},
                             {"last_seq", last_seq}, {"problems", std::move(list)}};
}

}  // namespace runtimo::wal
