// wal/journal.hpp — the journal (write-ahead log) of DESIGN §4: its writer, reader and
// verifier. The on-disk format is specified in FORMAT.md beside this file.
//
// Owns: segment files under <home>/wal/, the cross-process append lock, seq assignment,
// CRC sealing of lines, fdatasync/group commit, rotation, torn-tail recovery into
// <home>/wal/corrupt/, and reading/verifying all segments in order. The job index derived
// from the journal is journal_index.hpp.
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
  // The last line of defence against an unbounded event: append refuses a longer line (its
  // '\n' included). The executor bounds event bodies well below this.
  std::size_t max_line_bytes = 65536;
  // <home>/index, or empty. When set, open() opens the job index (journal_index.hpp) there,
  // catches it up and learns the highest seq from it, so opening does not scan the journal;
  // index() then returns it. When empty, open() scans every segment for the highest seq.
  std::filesystem::path index_dir{};
};

// What opening the journal found and repaired.
struct RecoveryReport {
  bool torn_tail_cut = false;
  std::uint64_t cut_bytes = 0;
  std::filesystem::path kept_in;  // the file under corrupt/ holding the cut bytes
  std::string reason;             // why the tail was cut
};

class JournalIndex;
class JournalWriter;

// Appends made while JournalWriter::under_lock holds the append lock (they do not re-take it).
// Valid only during the under_lock call that handed it out.
class AppendUnderLock {
 public:
  // Like JournalWriter::append; a durable event is on disk before this returns.
  std::uint64_t append(std::string_view type, std::string_view job, const boost::json::object &body,
                       Durability durability);

 private:
  friend class JournalWriter;
  explicit AppendUnderLock(JournalWriter &writer) : writer_(writer) {}
  JournalWriter &writer_;
};

class JournalWriter {
 public:
  // Creates the directory (0700) if needed, takes the append lock, recovers a torn tail of the
  // newest segment and learns the highest seq (from the index when options.index_dir is set).
  // Throws JournalError, also when a segment is a symlink or not a regular file.
  static std::unique_ptr<JournalWriter> open(const JournalOptions &options);
  ~JournalWriter();

  // Appends one event line {"seq":N,"ts":"<RFC 3339 UTC, µs>","type":type,"job":job,
  // <body members in order>...,"crc":"xxxxxxxx"} and returns its seq. `body` must not contain
  // seq/ts/type/job/crc. Thread-safe and safe against other processes appending to the same
  // directory. Durable events are fdatasync'ed before append returns (group commit: threads
  // appending at the same time share one sync). Throws JournalError; throws
  // std::invalid_argument (before writing anything) for a reserved body member, a string that
  // is not valid UTF-8, or a line longer than options.max_line_bytes. Throws JournalError
  // when the seq reached 2^64-1 (nothing is written; the home needs a new journal).
  std::uint64_t append(std::string_view type, std::string_view job, const boost::json::object &body,
                       Durability durability);

  // Runs `fn` holding this writer's mutex and the cross-process append lock: nothing else
  // appends to the journal meanwhile. For recovery: catch the index up and append
  // job.interrupted for dead runners' open jobs atomically with respect to every other writer.
  // Lock order: the append lock, then the index lock (JournalIndex::catch_up may be called
  // from `fn`). `fn` must not call this writer's append or under_lock.
  void under_lock(const std::function<void(AppendUnderLock &)> &fn);

  // Returns once every event this writer appended so far is durable (as if the last had been
  // appended with Durability::durable): for a lazy event whose side effect comes later.
  // Throws JournalError.
  void make_durable();

  const RecoveryReport &recovery() const;
  const std::filesystem::path &dir() const;
  // The highest seq known: of the journal at open, or of this writer's last append since.
  std::uint64_t last_seq() const;
  // The index opened from options.index_dir, or nullptr.
  JournalIndex *index() const;

  struct Impl;

 private:
  friend class AppendUnderLock;
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

// A line that is not a valid journal line, a duplicated or out-of-order seq, or a segment that
// cannot be read as one (a symlink, not a regular file).
struct JournalProblem {
  std::filesystem::path segment;
  std::uint64_t line = 0;
  std::uint64_t offset = 0;
  std::string what;
};

// Segment files of `dir` in order (oldest first).
std::vector<std::filesystem::path> list_segments(const std::filesystem::path &dir);

// Walks every segment in order. `on_record` returns false to stop early; `on_problem`
// (optional) receives warnings: damaged lines and refused segments (skipped), duplicated seqs
// (the later copy skipped), out-of-order seqs (the event still returned). Never throws for
// damaged content; throws JournalError when a segment cannot be read at all.
void read_journal(const std::filesystem::path &dir,
                  const std::function<bool(const JournalRecord &)> &on_record,
                  const std::function<void(const JournalProblem &)> &on_problem = {});

// The last `n` events (all when n == 0), optionally of one job, oldest first. Reads
// segments from the newest backwards so a tail is cheap even in a large journal. The same
// rules as read_journal, going backwards: of a duplicated seq the later copy is returned.
std::vector<JournalRecord> tail_journal(
    const std::filesystem::path &dir, std::size_t n, std::string_view job = {},
    const std::function<void(const JournalProblem &)> &on_problem = {});

struct VerifyReport {
  std::uint64_t segments = 0;
  std::uint64_t lines = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::vector<JournalProblem> problems;
  bool ok() const { return problems.empty(); }
  boost::json::object to_json() const;
};

// Checks every line of every segment (FORMAT.md, "What verify checks") and lists every
// problem. Changes nothing on disk: creates no directory or file, takes no lock, cuts nothing.
VerifyReport verify_journal(const std::filesystem::path &dir);

// The line codec, exposed for tests and tools.
std::uint32_t crc32c(std::string_view bytes);
// Serialises `event` (which must not contain "crc") and appends the crc member.
std::string seal_line(const boost::json::object &event);
// Checks one line (without its '\n'): returns an empty string when valid, else what is wrong.
std::string check_line(std::string_view line, boost::json::object *parsed = nullptr);

}  // namespace runtimo::wal
