// wal/group_commit.hpp — shares fdatasync among the threads of one writer (FORMAT.md,
// "Durability").
//
// Every line written gets a ticket, in write order. A thread that needs its line durable waits
// until the synced ticket reaches its own. If no sync is running it runs one itself, outside
// every lock, covering every ticket written before it started; threads whose lines were
// written before that sync started wait for it and skip their own. A thread whose line was
// written while a sync was already running waits for that one to end and then starts (or
// joins) the next: the classic group commit.
//
// A failed fdatasync is sticky: the kernel may have dropped the dirty pages and reported the
// error once, so a later sync could succeed without the data. Every later wait or append
// throws, and the journal must be reopened.
#pragma once

#include "wal/posix_file.hpp"

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace runtimo::wal::detail {

// An open segment; shared so that a sync in progress keeps it open while the writer moves on.
struct OpenSegment {
  FileDescriptor fd;
  std::filesystem::path path;
};

class GroupCommit {
 public:
  // A line was written to `segment` (called under the writer's append mutex, in write order).
  // Returns the line's ticket.
  std::uint64_t written(const std::shared_ptr<OpenSegment> &segment);

  // The writer is about to stop appending to the segment of the latest write (rotation, or
  // another process rotated). Syncs it when it holds lines not yet synced (unless `sync` is
  // false), so that syncing the next segment alone covers every earlier ticket.
  void leaving_segment(bool sync);

  // Returns once the line with `ticket` is durable. Throws JournalError.
  void wait_durable(std::uint64_t ticket);
  // The ticket of the latest line written (0 before any).
  std::uint64_t latest() const;

  // Throws the sticky sync failure, if any.
  void throw_if_failed();

  // fdatasync calls made so far (diagnostics and tests: fewer than durable appends when
  // threads share syncs).
  std::uint64_t syncs() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable synced_changed_;
  std::uint64_t written_ = 0;  // ticket of the latest write
  std::uint64_t synced_ = 0;   // every ticket up to this one is durable
  bool syncing_ = false;
  std::uint64_t syncs_ = 0;
  std::shared_ptr<OpenSegment> latest_;  // the segment of the latest write
  std::string failure_;
};

}  // namespace runtimo::wal::detail
