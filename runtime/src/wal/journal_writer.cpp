// wal/journal_writer.cpp — JournalWriter: opening (with recovery), the cross-process append
// lock, seq assignment, rotation and durable appends (FORMAT.md, "Appending and locking",
// "Durability").
//
// Locks, outermost first: Impl::append_mutex (this writer's threads, one append at a time),
// then flock(LOCK_EX) on <dir>/LOCK (all writers of all processes), held only while the line's
// seq is chosen and the line written, then (only inside under_lock, or at open) the index's
// lock. GroupCommit's own mutex is taken last, briefly. The fdatasync of a durable line runs
// after the first two are released (except inside under_lock).
#include "wal/journal.hpp"

#include "wal/group_commit.hpp"
#include "wal/journal_dir.hpp"
#include "wal/journal_index.hpp"
#include "wal/line_codec.hpp"
#include "wal/recovery.hpp"
#include "wal/segment_names.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>

namespace runtimo::wal {

namespace {

using detail::FileDescriptor;
using detail::JournalDir;
using detail::OpenSegment;
using detail::SegmentFile;

// The size we have not seen: forces learning the tail at the next append.
constexpr std::uint64_t kUnknownSize = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kLastSeq = std::numeric_limits<std::uint64_t>::max();

}  // namespace

struct JournalWriter::Impl {
  JournalOptions options;
  std::optional<JournalDir> dir;
  std::optional<JournalDir> corrupt;
  FileDescriptor lock_fd;
  RecoveryReport recovery;
  std::unique_ptr<JournalIndex> index;

  std::mutex append_mutex;  // guards everything below
  SegmentFile current;
  std::shared_ptr<OpenSegment> segment;
  dev_t segment_dev = 0;
  ino_t segment_ino = 0;
  std::string next_name;                   // where another process's rotation would appear
  std::uint64_t seen_size = kUnknownSize;  // the segment's size after our last look or write
  std::uint64_t last_seq = 0;              // the highest seq in the journal, as far as we know
  detail::GroupCommit commit;

  bool sync_on_leave() const { return options.sync != SyncPolicy::never; }
  std::filesystem::path lock_path() const { return dir->path_of("LOCK"); }

  // Makes `number` the current segment. `created` when this writer just created it empty.
  void switch_to(std::string number, FileDescriptor fd, bool created) {
    if (segment != nullptr) commit.leaving_segment(sync_on_leave());
    std::string name = detail::segment_file_name(number);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) detail::throw_errno("stat", dir->path_of(name), errno);
    segment = std::make_shared<OpenSegment>(OpenSegment{std::move(fd), dir->path_of(name)});
    segment_dev = st.st_dev;
    segment_ino = st.st_ino;
    next_name = detail::segment_file_name(detail::next_segment_number(number));
    current = SegmentFile{std::move(number), std::move(name)};
    seen_size = created ? 0 : kUnknownSize;
  }

  // Refuses (JournalError naming it) a segment that is a symlink or not a regular file.
  void open_segment(std::string number) {
    FileDescriptor fd = dir->open_regular(detail::segment_file_name(number), O_RDWR | O_APPEND);
    switch_to(std::move(number), std::move(fd), false);
  }

  // Creates segment `number` (O_EXCL) and makes it current. False when it already exists.
  bool create_segment(std::string number) {
    std::string name = detail::segment_file_name(number);
    if (dir->stat_of(name)) return false;
    FileDescriptor fd = dir->open_regular(name, O_RDWR | O_APPEND | O_CREAT | O_EXCL);
    dir->sync();  // the new name must survive a crash
    switch_to(std::move(number), std::move(fd), true);
    return true;
  }

  // Learns the current segment's highest seq after a change we did not make (another process
  // appended, or we moved to a segment it created), cutting a torn tail first. Only the bytes
  // appended since our last look are read.
  void learn_tail() {
    std::uint64_t size = detail::cut_torn_tail(segment->fd.get(), *dir, current, *corrupt, nullptr);
    std::uint64_t from = seen_size != kUnknownSize && seen_size <= size ? seen_size : 0;
    if (from < size) last_seq = std::max(last_seq, detail::highest_seq_in(*dir, current, from));
    seen_size = size;
  }

  // The current segment must still be the file this writer opened: one replaced by a symlink
  // or another file, or removed, is neither appended to nor cut.
  std::uint64_t current_size() {
    auto st = dir->stat_of(current.name);
    if (!st || st->st_dev != segment_dev || st->st_ino != segment_ino) {
      std::string now = !st                    ? "is gone"
                        : S_ISLNK(st->st_mode) ? "is now a symbolic link"
                                               : "is now another file";
      throw JournalError("refusing to append to " + segment->path.string() + ": it " + now +
                         " (replaced while the journal was open); nothing was written. Restore "
                         "the segment, then reopen the journal");
    }
    return static_cast<std::uint64_t>(st->st_size);
  }

  // Under the lock: make sure we append to the true current segment, know the highest seq,
  // and rotate when the segment is full. Returns the segment's size.
  std::uint64_t prepare_to_append() {
    // Another process rotated: move forward (one stat per append when nothing changed).
    while (dir->stat_of(next_name)) open_segment(detail::next_segment_number(current.number));
    std::uint64_t size = current_size();
    if (size != seen_size) {
      learn_tail();
      size = seen_size;
    }
    if (size >= options.segment_bytes) {
      if (create_segment(detail::next_segment_number(current.number))) return 0;
      // Nobody else can create it while we hold the lock; it exists anyway (a file left by
      // hand, or gone between our stat and our create): follow it like another's rotation.
      open_segment(detail::next_segment_number(current.number));
      return prepare_to_append();
    }
    return size;
  }

  void write_line(const std::string &line, std::uint64_t size) {
    std::uint64_t written = 0;
    if (int err = detail::write_all(segment->fd.get(), line, written)) {
      // Take a partial line back out before anyone appends after it; if even that fails the
      // next append (ours or another process's) sees the torn tail and cuts it.
      if (written > 0) (void)::ftruncate(segment->fd.get(), static_cast<off_t>(size));
      seen_size = kUnknownSize;
      detail::throw_errno("append to", segment->path, err);
    }
    seen_size = size + line.size();
  }

  // With append_mutex and the append lock held: writes one event. Returns its seq and ticket.
  std::pair<std::uint64_t, std::uint64_t> append_locked(const detail::PreparedEvent &event) {
    std::uint64_t size = prepare_to_append();
    if (last_seq == kLastSeq) {
      throw JournalError("the journal's seq reached 2^64-1 (" + std::to_string(kLastSeq) + ") in " +
                         options.dir.string() +
                         ": no further event can be numbered, and seqs are never reused or "
                         "wrapped; start a new home (keep this one to read its history)");
    }
    std::uint64_t seq = last_seq + 1;
    std::string line = detail::compose_event_line(
        seq, detail::format_timestamp(std::chrono::system_clock::now()), event);
    line += '\n';
    if (line.size() > options.max_line_bytes) {
      throw std::invalid_argument("journal line for a " + event.type_json + " event of job " +
                                  event.job_json + " would be " + std::to_string(line.size()) +
                                  " bytes, over max_line_bytes (" +
                                  std::to_string(options.max_line_bytes) +
                                  "); nothing was written: bound the event body (truncate "
                                  "outputs, keep their sizes and a digest)");
    }
    write_line(line, size);
    last_seq = seq;
    return {seq, commit.written(segment)};
  }

  bool needs_sync(Durability durability) const {
    return options.sync == SyncPolicy::always ||
           (options.sync == SyncPolicy::durable && durability == Durability::durable);
  }
};

JournalWriter::JournalWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JournalWriter::~JournalWriter() = default;

std::unique_ptr<JournalWriter> JournalWriter::open(const JournalOptions &options) {
  if (options.dir.empty()) throw JournalError("cannot open the journal: no directory given");
  if (options.segment_bytes == 0 || options.max_line_bytes == 0) {
    throw JournalError("cannot open the journal in " + options.dir.string() +
                       ": segment_bytes and max_line_bytes must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->dir = JournalDir::create(options.dir);
  impl->corrupt = impl->dir->subdirectory("corrupt", true);
  impl->lock_fd = impl->dir->open_regular("LOCK", O_RDWR | O_CREAT);

  detail::FileLock lock(impl->lock_fd.get(), LOCK_EX, impl->lock_path());
  auto segments = impl->dir->segments();
  // Every segment is read for seqs (here or by the index): a link or a device is refused.
  for (const auto &segment : segments) {
    if (auto st = impl->dir->stat_of(segment.name)) {
      if (std::string why = impl->dir->refusal_for(segment.name, *st); !why.empty()) {
        throw JournalError("refusing to open the journal: " + why);
      }
    }
  }
  if (segments.empty()) {
    if (!impl->create_segment("1")) impl->open_segment("1");
  } else {
    impl->open_segment(segments.back().number);
  }
  impl->seen_size = detail::cut_torn_tail(impl->segment->fd.get(), *impl->dir, impl->current,
                                          *impl->corrupt, &impl->recovery);
  if (!options.index_dir.empty()) {
    impl->index = JournalIndex::open(options.dir, options.index_dir);
    impl->last_seq = impl->index->max_seq();
  } else {
    for (const auto &segment : segments) {
      impl->last_seq = std::max(impl->last_seq, detail::highest_seq_in(*impl->dir, segment, 0));
    }
  }
  return std::unique_ptr<JournalWriter>(new JournalWriter(std::move(impl)));
}

std::uint64_t JournalWriter::append(std::string_view type, std::string_view job,
                                    const boost::json::object &body, Durability durability) {
  // Everything that does not need the seq is done before taking any lock.
  detail::PreparedEvent event = detail::prepare_event(type, job, body);
  std::pair<std::uint64_t, std::uint64_t> written;
  {
    std::lock_guard guard(impl_->append_mutex);
    impl_->commit.throw_if_failed();
    detail::FileLock lock(impl_->lock_fd.get(), LOCK_EX, impl_->lock_path());
    written = impl_->append_locked(event);
  }
  if (impl_->needs_sync(durability)) impl_->commit.wait_durable(written.second);
  return written.first;
}

std::uint64_t AppendUnderLock::append(std::string_view type, std::string_view job,
                                      const boost::json::object &body, Durability durability) {
  detail::PreparedEvent event = detail::prepare_event(type, job, body);
  JournalWriter::Impl &impl = *writer_.impl_;
  auto [seq, ticket] = impl.append_locked(event);
  // Synced before returning, the lock still held: the caller's next step may depend on it.
  if (impl.needs_sync(durability)) impl.commit.wait_durable(ticket);
  return seq;
}

void JournalWriter::under_lock(const std::function<void(AppendUnderLock &)> &fn) {
  std::lock_guard guard(impl_->append_mutex);
  impl_->commit.throw_if_failed();
  detail::FileLock lock(impl_->lock_fd.get(), LOCK_EX, impl_->lock_path());
  AppendUnderLock appender(*this);
  fn(appender);
}

void JournalWriter::make_durable() {
  if (impl_->needs_sync(Durability::durable)) impl_->commit.wait_durable(impl_->commit.latest());
}

const RecoveryReport &JournalWriter::recovery() const {
  return impl_->recovery;
}

const std::filesystem::path &JournalWriter::dir() const {
  return impl_->options.dir;
}

std::uint64_t JournalWriter::last_seq() const {
  std::lock_guard guard(impl_->append_mutex);
  return impl_->last_seq;
}

JournalIndex *JournalWriter::index() const {
  return impl_->index.get();
}

}  // namespace runtimo::wal
