// wal/journal.hpp — the journal (write-ahead log) of DESIGN §4: its writer, reader and
// verifier. The on-disk format is specified in FORMAT.md beside this file.
//
// Owns: segment files under <home>/wal/, the cross-process append lock, seq assignment,
// CRC sealing of lines, fdatasync/group commit, rotation, torn-tail recovery into
// <home>/wal/corrupt/, and reading/verifying all segments in order.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::wal {

// Raised when the journal cannot be opened or written (exit code 4 at the CLI).
class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// When appends reach the disk.
enum class SyncPolicy {
  always,   // fdatasync after every event
  durable,  // fdatasync only for events appended with Durability::durable (default)
  never     // never (tests, throwaway homes): a crash may lose the tail
};

enum class Durability { durable, lazy };

struct JournalOptions {
  std::filesystem::path dir;                  // <home>/wal
  std::uint64_t segment_bytes = 64ull << 20;  // rotate when a segment reaches this size
  SyncPolicy sync = SyncPolicy::durable;
};

// What opening the journal found and repaired.
struct RecoveryReport {
  bool torn_tail_cut = false;
  std::uint64_t cut_bytes = 0;
  std::filesystem::path kept_in;  // the file under corrupt/ holding the cut bytes
  std::string reason;             // why the tail was cut
};

class JournalWriter {
 public:
  // Creates the directory (0700) if needed, takes the append lock, recovers a torn tail of the
  // newest segment and learns the last seq. Throws JournalError.
  static std::unique_ptr<JournalWriter> open(const JournalOptions &options);
  ~JournalWriter();

  // Appends one event line {"seq":N,"ts":"<RFC 3339 UTC, µs>","type":type,"job":job,
  // <body members in order>...,"crc":"xxxxxxxx"} and returns its seq. `body` must not contain
  // seq/ts/type/job/crc. Thread-safe and safe against other processes appending to the same
  // directory. Durable events are fdatasync'ed before append returns (group commit: threads
  // appending at the same time share one sync). Throws JournalError; throws
  // std::invalid_argument (before writing anything) for a reserved body member or a string
  // that is not valid UTF-8.
  std::uint64_t append(std::string_view type, std::string_view job, const boost::json::object &body,
                       Durability durability);

  const RecoveryReport &recovery() const;
  const std::filesystem::path &dir() const;

  struct Impl;

 private:
  explicit JournalWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One event read back from the journal.
struct JournalRecord {
  std::filesystem::path segment;
  std::uint64_t line = 0;    // 1-based line number within the segment (0 from tail_journal)
  std::uint64_t offset = 0;  // byte offset of the line within the segment
  std::uint64_t seq = 0;
  boost::json::object event;  // the full object (crc member included)
};

// A line that is not a valid journal line, or a seq that does not increase.
struct JournalProblem {
  std::filesystem::path segment;
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
  std::string what;
};

// Segment files of `dir` in order (oldest first).
std::vector<std::filesystem::path> list_segments(const std::filesystem::path &dir);

// Walks every segment in order. `on_record` returns false to stop early; `on_problem`
// (optional) receives damaged lines, which are otherwise skipped. Never throws for damaged
// content; throws JournalError when a segment cannot be read at all.
void read_journal(const std::filesystem::path &dir,
                  const std::function<bool(const JournalRecord &)> &on_record,
                  const std::function<void(const JournalProblem &)> &on_problem = {});

// The last `n` events (all when n == 0), optionally of one job, oldest first. Reads
// segments from the newest backwards so a tail is cheap even in a large journal.
std::vector<JournalRecord> tail_journal(const std::filesystem::path &dir, std::size_t n,
                                        std::string_view job = {});

struct VerifyReport {
  std::uint64_t segments = 0;
  std::uint64_t lines = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::vector<JournalProblem> problems;
  bool ok() const { return problems.empty(); }
  boost::json::object to_json() const;
};

// Checks every line of every segment: JSON object, CRC, strictly increasing seq.
VerifyReport verify_journal(const std::filesystem::path &dir);

// The line codec, exposed for tests and tools.
std::uint32_t crc32c(std::string_view bytes);
// Serialises `event` (which must not contain "crc") and appends the crc member.
std::string seal_line(const boost::json::object &event);
// Checks one line (without its '\n'): returns an empty string when valid, else what is wrong.
std::string check_line(std::string_view line, boost::json::object *parsed = nullptr);

}  // namespace runtimo::wal
