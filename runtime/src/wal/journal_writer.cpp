// wal/journal_writer.cpp — JournalWriter: opening (with recovery), the cross-process append
// lock, seq assignment, rotation and durable appends (FORMAT.md, "Appending and locking",
// "Durability").
//
// Locks, outermost first: Impl::append_mutex (this writer's threads, one append at a time),
// then flock(LOCK_EX) on <dir>/LOCK (all writers of all processes), held only while the line's
// seq is chosen and the line written. GroupCommit's own mutex is taken last, briefly. The
// fdatasync of a durable line runs after both are released.
#include "wal/journal.hpp"

#include "wal/group_commit.hpp"
#include "wal/line_codec.hpp"
#include "wal/posix_file.hpp"
#include "wal/recovery.hpp"
#include "wal/segment_names.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <mutex>

namespace runtimo::wal {

namespace {

using detail::FileDescriptor;
using detail::OpenSegment;

// The size we have not seen: forces learning the tail at the next append.
constexpr std::uint64_t kUnknownSize = std::numeric_limits<std::uint64_t>::max();

// flock(LOCK_EX) on the LOCK file for one scope.
class AppendLock {
 public:
  AppendLock(int fd, const std::filesystem::path &path) : fd_(fd) {
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) detail::throw_errno("lock", path, errno);
    }
  }
  ~AppendLock() { ::flock(fd_, LOCK_UN); }
  AppendLock(const AppendLock &) = delete;
  AppendLock &operator=(const AppendLock &) = delete;

 private:
  int fd_;
};

bool file_exists(const std::filesystem::path &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  detail::throw_errno("stat", path, errno);
}

}  // namespace

struct JournalWriter::Impl {
  JournalOptions options;
  std::filesystem::path lock_path;
  std::filesystem::path corrupt_dir;
  FileDescriptor lock_fd;
  RecoveryReport recovery;

  std::mutex append_mutex;  // guards everything below
  std::uint64_t segment_number = 0;
  std::shared_ptr<OpenSegment> segment;
  std::filesystem::path next_segment;      // where another process's rotation would appear
  std::uint64_t seen_size = kUnknownSize;  // the segment's size after our last look or write
  std::uint64_t last_seq = 0;
  detail::GroupCommit commit;

  bool sync_on_leave() const { return options.sync != SyncPolicy::never; }

  std::filesystem::path segment_path(std::uint64_t number) const {
    return options.dir / detail::segment_file_name(number);
  }

  // Makes `number` the current segment. `created` when this writer just created it empty.
  void switch_to(std::uint64_t number, FileDescriptor fd, bool created) {
    if (segment != nullptr) commit.leaving_segment(sync_on_leave());
    segment = std::make_shared<OpenSegment>(OpenSegment{std::move(fd), segment_path(number)});
    segment_number = number;
    next_segment = segment_path(number + 1);
    seen_size = created ? 0 : kUnknownSize;
  }

  void open_segment(std::uint64_t number) {
    switch_to(number, detail::open_file(segment_path(number), O_RDWR | O_APPEND), false);
  }

  // Creates segment `number` (O_EXCL) and makes it current. False when it already exists.
  bool create_segment(std::uint64_t number) {
    std::filesystem::path path = segment_path(number);
    int raw = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (raw < 0 && errno == EEXIST) return false;
    if (raw < 0) detail::throw_errno("create", path, errno);
    FileDescriptor fd(raw);
    detail::fsync_directory(options.dir);  // the new name must survive a crash
    switch_to(number, std::move(fd), true);
    return true;
  }

  // Learns the current segment's last seq after a change we did not make (another process
  // appended, cut a tail, or we moved to a segment it created), applying the recovery rule
  // to its tail first. `report` is set only when opening.
  void learn_tail(RecoveryReport *report) {
    detail::SegmentTail tail =
        detail::recover_segment_tail(segment->fd.get(), segment->path, corrupt_dir, report);
    std::optional<std::uint64_t> seq = tail.last_seq;
    if (!seq) seq = detail::last_seq_before(options.dir, segment_number);
    // max: a seq this writer handed out is never handed out again, whatever the files say.
    last_seq = std::max(last_seq, seq.value_or(0));
    seen_size = tail.size;
  }

  // Under the lock: make sure we append to the true current segment, know the last seq, and
  // rotate when the segment is full. Returns the segment's size.
  std::uint64_t prepare_to_append() {
    // Another process rotated: move forward (one stat per append when nothing changed).
    while (file_exists(next_segment)) open_segment(segment_number + 1);
    std::uint64_t size = detail::file_size(segment->fd.get(), segment->path);
    if (size != seen_size) {
      learn_tail(nullptr);
      size = seen_size;
    }
    if (size >= options.segment_bytes) {
      if (create_segment(segment_number + 1)) return 0;
      // Nobody else can create it while we hold the lock; it exists anyway (a file left by
      // hand, or gone between our stat and our create): follow it like another's rotation.
      open_segment(segment_number + 1);
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
};

JournalWriter::JournalWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JournalWriter::~JournalWriter() = default;

std::unique_ptr<JournalWriter> JournalWriter::open(const JournalOptions &options) {
  if (options.dir.empty()) throw JournalError("cannot open the journal: no directory given");
  if (options.segment_bytes == 0) {
    throw JournalError("cannot open the journal in " + options.dir.string() +
                       ": segment_bytes must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->lock_path = options.dir / "LOCK";
  impl->corrupt_dir = options.dir / "corrupt";
  detail::make_private_directory(options.dir);
  detail::make_private_directory(impl->corrupt_dir);
  impl->lock_fd = detail::open_file(impl->lock_path, O_RDWR | O_CREAT, 0600);

  AppendLock lock(impl->lock_fd.get(), impl->lock_path);
  auto segments = detail::list_segment_files(options.dir);
  if (segments.empty()) {
    if (!impl->create_segment(1)) impl->open_segment(1);
  } else {
    impl->open_segment(segments.back().number);
  }
  impl->learn_tail(&impl->recovery);
  return std::unique_ptr<JournalWriter>(new JournalWriter(std::move(impl)));
}

std::uint64_t JournalWriter::append(std::string_view type, std::string_view job,
                                    const boost::json::object &body, Durability durability) {
  // Everything that does not need the seq is done before taking any lock.
  detail::PreparedEvent event = detail::prepare_event(type, job, body);
  const SyncPolicy policy = impl_->options.sync;
  const bool sync = policy == SyncPolicy::always ||
                    (policy == SyncPolicy::durable && durability == Durability::durable);

  std::uint64_t seq;
  std::uint64_t ticket;
  {
    std::lock_guard guard(impl_->append_mutex);
    impl_->commit.throw_if_failed();
    AppendLock lock(impl_->lock_fd.get(), impl_->lock_path);
    std::uint64_t size = impl_->prepare_to_append();
    seq = impl_->last_seq + 1;
    std::string line = detail::compose_event_line(
        seq, detail::format_timestamp(std::chrono::system_clock::now()), event);
    line += '\n';
    impl_->write_line(line, size);
    impl_->last_seq = seq;
    ticket = impl_->commit.written(impl_->segment);
  }
  if (sync) impl_->commit.wait_durable(ticket);
  return seq;
}

const RecoveryReport &JournalWriter::recovery() const {
  return impl_->recovery;
}

const std::filesystem::path &JournalWriter::dir() const {
  return impl_->options.dir;
}

}  // namespace runtimo::wal
