// snapshot/pinned_thread.cpp — PinnedThread: pthread_create with a CPU affinity attribute.
#include "snapshot/pinned_thread.hpp"

#include <sched.h>

namespace runtimo::snapshot {
namespace {

// A CPU the calling thread may use other than the one it runs on; -1 when there is none.
int other_cpu() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
  const int here = ::sched_getcpu();
  if (here < 0) return -1;
  for (int step = 1; step < CPU_SETSIZE; ++step) {
    const int cpu = (here + step) % CPU_SETSIZE;
    if (CPU_ISSET(cpu, &allowed)) return cpu;
  }
  return -1;
}

void *run(void *self) {
  static_cast<std::function<void()> *>(self)->operator()();
  return nullptr;
}

}  // namespace

PinnedThread::PinnedThread(std::function<void()> work) : work_(std::move(work)) {
  const int cpu = other_cpu();
  if (cpu < 0) return;
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(cpu, &cpus);
  pthread_attr_t attr;
  if (::pthread_attr_init(&attr) != 0) return;
  if (::pthread_attr_setaffinity_np(&attr, sizeof cpus, &cpus) == 0)
    running_ = ::pthread_create(&thread_, &attr, &run, &work_) == 0;
  ::pthread_attr_destroy(&attr);
}

PinnedThread::~PinnedThread() {
  if (running_) ::pthread_join(thread_, nullptr);
}

}  // namespace runtimo::snapshot
