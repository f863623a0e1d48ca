// wal/journal_verify.cpp — verify_journal: every line of every segment checked and every
// problem listed (FORMAT.md, "What verify checks"), and its JSON form for the CLI.
//
// Read-only by construction: the directory is opened if it exists (never created), segments
// are opened O_RDONLY without following links, no lock is taken and nothing is cut. Fast:
// lines are found with memchr in 1 MiB reads, CRCs use the CPU's instruction, and a line whose
// CRC matches is checked by its fixed head instead of a full JSON parse (line_check.hpp).
#include "wal/journal_dir.hpp"
#include "wal/line_check.hpp"
#include "wal/segment_scan.hpp"
#include "wal/seq_order.hpp"

#include <boost/json/array.hpp>

namespace runtimo::wal {

VerifyReport verify_journal(const std::filesystem::path &dir) {
  VerifyReport report;
  auto journal = detail::JournalDir::open_existing(dir);
  if (!journal) return report;
  detail::SeqOrder order(detail::ReadDirection::forward);
  detail::LineHead head;
  std::string problem;
  auto on_problem = [&](const JournalProblem &p) { report.problems.push_back(p); };
  for (const auto &segment : journal->segments()) {
    ++report.segments;
    auto on_line = [&](const detail::SegmentLine &line) {
      ++report.lines;
      if (std::string what = detail::check_line_head(line.text, head); !what.empty()) {
        detail::report(on_problem, *journal, segment, line.number, line.offset, std::move(what));
        return true;
      }
      bool admitted = order.admit(head.seq, problem);
      if (!problem.empty()) {
        detail::report(on_problem, *journal, segment, line.number, line.offset, problem);
      }
      if (admitted) {
        if (report.first_seq == 0) report.first_seq = head.seq;
        report.last_seq = std::max(report.last_seq, head.seq);
      }
      return true;
    };
    try {
      auto end = detail::scan_segment_lines(*journal, segment, 0, on_line, on_problem);
      if (end.unterminated) ++report.lines;  // a line too, if a torn one
    } catch (const JournalError &error) {
      // An unreadable segment is one more problem; the others are still checked.
      report.problems.push_back(JournalProblem{journal->path_of(segment.name), 0, 0, error.what()});
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
