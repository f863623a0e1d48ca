// wal/journal_verify.cpp — verify_journal: every line of every segment checked and every
// problem listed (FORMAT.md, "What verify checks"), and its JSON form for the CLI.
//
// Read-only by construction: the directory is opened if it exists (never created), segments
// are opened O_RDONLY without following links, no lock is taken and nothing is cut. Fast:
// lines are found with memchr in 1 MiB reads, CRCs use the CPU's instruction, and a line whose
// CRC matches is checked by its fixed head instead of a full JSON parse (line_check.hpp).
#include "wal/crc32c.hpp"
#include "wal/journal_dir.hpp"
#include "wal/line_check.hpp"
#include "wal/segment_scan.hpp"
#include "wal/seq_order.hpp"

#include <boost/json/array.hpp>

namespace runtimo::wal {

namespace {

// Checks lines three at a time: their CRCs are computed together (Crc32c::update3), then each
// line is judged in file order, so problems are listed as read_journal would report them.
class Verifier {
 public:
  explicit Verifier(VerifyReport &report) : report_(report) {}

  void check_segment(const detail::JournalDir &journal, const detail::SegmentFile &segment) {
    journal_ = &journal;
    segment_ = &segment;
    auto on_problem = [&](const JournalProblem &p) { report_.problems.push_back(p); };
    auto end = detail::scan_segment_blocks(
        journal, segment, 0, [&](detail::SegmentBlock &block) { return check_block(block); },
        on_problem);
    if (end.unterminated) ++report_.lines;  // a line too, if a torn one
  }

 private:
  struct Line {
    std::string_view text;
    std::uint64_t number = 0;
    std::uint64_t offset = 0;
    std::string_view covered;  // what its CRC covers (then '}')
    std::uint32_t stated = 0;
    std::string what;  // what is wrong with its crc member, if anything
  };

  bool check_block(detail::SegmentBlock &block) {
    std::string_view rest = block.text;
    std::uint64_t number = block.first_number, offset = block.offset;
    block.lines = 0;
    while (!rest.empty()) {
      std::size_t count = 0;
      for (; count < 3 && !rest.empty(); ++count) {
        Line &line = batch_[count];
        std::size_t length = rest.find('\n');
        line.text = rest.substr(0, length);
        line.number = number;
        line.offset = offset;
        line.what = detail::read_crc_member(line.text, line.covered, line.stated);
        rest.remove_prefix(length + 1);
        offset += length + 1;
        if (number != 0) ++number;
      }
      block.lines += count;
      compute_crcs(count);
      for (std::size_t i = 0; i < count; ++i) judge(batch_[i], crcs_[i].value());
    }
    return true;
  }

  void compute_crcs(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) crcs_[i] = detail::Crc32c{};
    if (count == 3 && batch_[0].what.empty() && batch_[1].what.empty() && batch_[2].what.empty()) {
      detail::Crc32c::update3(crcs_, {batch_[0].covered, batch_[1].covered, batch_[2].covered});
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        if (batch_[i].what.empty()) crcs_[i].update(batch_[i].covered);
      }
    }
    for (std::size_t i = 0; i < count; ++i) crcs_[i].update('}');
  }

  void judge(Line &line, std::uint32_t actual) {
    ++report_.lines;
    if (line.what.empty()) line.what = detail::crc_mismatch(line.stated, actual);
    if (line.what.empty()) line.what = detail::check_head(line.text, head_);
    if (!line.what.empty()) {
      problem(line, std::move(line.what));
      return;
    }
    bool admitted = order_.admit(head_.seq, problem_);
    if (!problem_.empty()) problem(line, problem_);
    if (admitted) {
      if (report_.first_seq == 0) report_.first_seq = head_.seq;
      report_.last_seq = std::max(report_.last_seq, head_.seq);
    }
  }

  void problem(const Line &line, std::string what) {
    report_.problems.push_back(JournalProblem{journal_->path_of(segment_->name), line.number,
                                              line.offset, std::move(what)});
  }

  VerifyReport &report_;
  detail::SeqOrder order_{detail::ReadDirection::forward};
  detail::LineHead head_;
  std::string problem_;
  const detail::JournalDir *journal_ = nullptr;
  const detail::SegmentFile *segment_ = nullptr;
  Line batch_[3];
  detail::Crc32c crcs_[3];
};

}  // namespace

VerifyReport verify_journal(const std::filesystem::path &dir) {
  VerifyReport report;
  auto journal = detail::JournalDir::open_existing(dir);
  if (!journal) return report;
  Verifier verifier(report);
  for (const auto &segment : journal->segments()) {
    ++report.segments;
    try {
      verifier.check_segment(*journal, segment);
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
