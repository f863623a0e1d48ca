// snapshot/pinned_thread.hpp — a helper thread started on another CPU than its caller's: the
// process scan's second reader.
//
// Owns: choosing the CPU (one this process may run on — sched_getaffinity, so taskset and
// cpusets are honoured — other than the one the caller runs on now) and starting the thread
// there (pthread_attr_setaffinity_np), joined on destruction.
//
// Why pinned: a scan lasts a few milliseconds, less than the scheduler takes to move a new,
// unpinned thread off its parent's core. On the project's 2-vCPU VM an unpinned second reader
// gained nothing in a fresh process (400 stat reads: ~6.5 ms with one thread or two), a pinned
// one did them in 3.8-4.6 ms. The scan hands out pids in small batches, so if the other CPU is
// busy the caller simply reads more of them itself.
#pragma once

#include <pthread.h>

#include <functional>

namespace runtimo::snapshot {

class PinnedThread {
 public:
  // Runs `work` on a thread pinned to another CPU. When there is no other CPU or the thread
  // cannot be created, `work` never runs and running() is false: the caller does it all.
  explicit PinnedThread(std::function<void()> work);
  ~PinnedThread();  // joins
  PinnedThread(const PinnedThread &) = delete;
  PinnedThread &operator=(const PinnedThread &) = delete;

  bool running() const { return running_; }

 private:
  std::function<void()> work_;
  pthread_t thread_{};
  bool running_ = false;
};

}  // namespace runtimo::snapshot
