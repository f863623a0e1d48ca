// exec/job_handles.cpp — the process-wide table behind rt_job handles (see the header).
//
// Handle value: (generation << kIndexBits) | (slot index + 1), never 0. Slots live in chunks
// that are allocated once and never freed, so looking up any value — stale, forged, or from a
// thread that outlived its job — touches only memory that stays valid.
#include "exec/job_handles.hpp"

#include <pthread.h>

#include <array>
#include <stdexcept>
#include <tuple>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace runtimo::exec {
namespace {

constexpr unsigned kIndexBits = 20;                    // up to ~10^6 jobs lent at once
constexpr std::uint64_t kIndexMask = (1u << kIndexBits) - 1;
constexpr std::size_t kChunkSlots = 256;
constexpr std::size_t kChunks = (std::size_t{1} << kIndexBits) / kChunkSlots;

// A reader-writer lock that prefers writers: a plugin thread calling host functions in a tight
// loop on a handle must not keep the host from taking the handle back (glibc's default rwlock,
// behind std::shared_mutex, prefers readers).
class Gate {
 public:
  Gate() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  Gate(const Gate &) = delete;
  Gate &operator=(const Gate &) = delete;
  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

struct Slot {
  Gate gate;                     // shared: a host call in flight; exclusive: lending, returning
  std::uint64_t generation = 1;  // guarded by gate
  Job *job = nullptr;            // guarded by gate; null while not lent
};

class HandleTable {
 public:
  rt_job *open(Job &job) {
    const std::uint64_t index = allocate();
    Slot &slot = *slot_at(index);
    std::unique_lock lock(slot.gate);  // Gate is Lockable
    slot.job = &job;
    return encode(index, slot.generation);
  }

  void close(rt_job *handle) {
    const auto [index, generation] = decode(handle);
    Slot *slot = slot_at(index);
    if (slot == nullptr) return;
    {
      std::unique_lock lock(slot->gate);
      if (slot->generation != generation || slot->job == nullptr) return;
      slot->job = nullptr;
      ++slot->generation;
    }
    std::lock_guard lock(free_mutex_);
    free_.push_back(index);
  }

  void lock_free_list() { free_mutex_.lock(); }
  void unlock_free_list() { free_mutex_.unlock(); }

  // Locks the slot shared and returns it with its job, or {nullptr, nullptr}.
  std::pair<void *, Job *> acquire(const rt_job *handle) {
    const auto [index, generation] = decode(handle);
    Slot *slot = slot_at(index);
    if (slot == nullptr) return {nullptr, nullptr};
    slot->gate.lock_shared();
    if (slot->generation != generation || slot->job == nullptr) {
      slot->gate.unlock_shared();
      return {nullptr, nullptr};
    }
    return {slot, slot->job};
  }

 private:
  static rt_job *encode(std::uint64_t index, std::uint64_t generation) {
    return reinterpret_cast<rt_job *>(
        static_cast<std::uintptr_t>((generation << kIndexBits) | (index + 1)));
  }
  // {index, generation}; index out of range for NULL.
  static std::pair<std::uint64_t, std::uint64_t> decode(const rt_job *handle) {
    const auto value = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(handle));
    return {(value & kIndexMask) - 1, value >> kIndexBits};
  }

  Slot *slot_at(std::uint64_t index) {
    if (index >= kChunks * kChunkSlots) return nullptr;
    Slot *chunk = chunks_[index / kChunkSlots].load(std::memory_order_acquire);
    return chunk == nullptr ? nullptr : &chunk[index % kChunkSlots];
  }

  std::uint64_t allocate() {
    std::lock_guard lock(free_mutex_);
    if (!free_.empty()) {
      const std::uint64_t index = free_.back();
      free_.pop_back();
      return index;
    }
    const std::uint64_t index = next_++;
    if (index >= kChunks * kChunkSlots) throw std::length_error("too many jobs at once");
    auto &chunk = chunks_[index / kChunkSlots];
    if (chunk.load(std::memory_order_relaxed) == nullptr)
      chunk.store(new Slot[kChunkSlots], std::memory_order_release);  // never freed
    return index;
  }

  std::array<std::atomic<Slot *>, kChunks> chunks_{};
  std::mutex free_mutex_;
  std::vector<std::uint64_t> free_;
  std::uint64_t next_ = 0;
};

HandleTable &table() {
  static HandleTable *t = [] {
    auto *created = new HandleTable;  // never destroyed: stray threads may still look up
    // A worker is forked from a host whose other threads may be lending handles: the free
    // list's mutex is held across the fork so the child never inherits it locked.
    ::pthread_atfork([] { table().lock_free_list(); }, [] { table().unlock_free_list(); },
                     [] { table().unlock_free_list(); });
    return created;
  }();
  return *t;
}

}  // namespace

rt_job *open_job_handle(Job &job) { return table().open(job); }
void close_job_handle(rt_job *handle) { table().close(handle); }

JobAccess::JobAccess(const rt_job *handle) {
  std::tie(slot_, job_) = table().acquire(handle);
}

JobAccess::~JobAccess() {
  if (slot_ != nullptr) static_cast<Slot *>(slot_)->gate.unlock_shared();
}

}  // namespace runtimo::exec
