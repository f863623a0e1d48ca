// wal/group_commit.cpp — group commit of fdatasync; see group_commit.hpp.
#include "wal/group_commit.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace runtimo::wal::detail {

namespace {

int fdatasync_errno(int fd) {
  int rc;
  do {
    rc = ::fdatasync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc == 0 ? 0 : errno;
}

std::string sync_failure(const std::filesystem::path &path, int err) {
  return "cannot sync " + path.string() + ": " + errno_text(err) +
         " (the journal writer is unusable after a failed sync; reopen the journal)";
}

}  // namespace

std::uint64_t GroupCommit::written(const std::shared_ptr<OpenSegment> &segment) {
  std::lock_guard lock(mutex_);
  latest_ = segment;
  return ++written_;
}

void GroupCommit::leaving_segment(bool sync) {
  std::shared_ptr<OpenSegment> segment;
  std::uint64_t upto;
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) throw JournalError(failure_);
    if (synced_ == written_ || latest_ == nullptr) return;
    segment = latest_;
    upto = written_;
  }
  int err = sync ? fdatasync_errno(segment->fd.get()) : 0;
  std::lock_guard lock(mutex_);
  if (sync) ++syncs_;
  if (err != 0) {
    failure_ = sync_failure(segment->path, err);
  } else {
    synced_ = std::max(synced_, upto);
  }
  synced_changed_.notify_all();
  if (err != 0) throw JournalError(failure_);
}

void GroupCommit::wait_durable(std::uint64_t ticket) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (synced_ >= ticket) return;
    if (!failure_.empty()) throw JournalError(failure_);
    if (syncing_) {
      synced_changed_.wait(lock);
      continue;
    }
    // Lead a sync covering every line written so far, ours included (ticket <= written_).
    syncing_ = true;
    std::shared_ptr<OpenSegment> segment = latest_;
    std::uint64_t upto = written_;
    lock.unlock();
    int err = fdatasync_errno(segment->fd.get());
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (err != 0) {
      failure_ = sync_failure(segment->path, err);
    } else {
      synced_ = std::max(synced_, upto);
    }
    synced_changed_.notify_all();
  }
}

std::uint64_t GroupCommit::latest() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::uint64_t GroupCommit::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

void GroupCommit::throw_if_failed() {
  std::lock_guard lock(mutex_);
  if (!failure_.empty()) throw JournalError(failure_);
}

}  // namespace runtimo::wal::detail
