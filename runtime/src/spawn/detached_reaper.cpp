// spawn/detached_reaper.cpp — the background thread behind keep_reaping (see the header). It
// starts with the first job handed over and is stopped and joined at exit.
#include "spawn/detached_reaper.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace runtimo::spawn {

namespace {

class DetachedReaper {
 public:
  ~DetachedReaper() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void add(std::unique_ptr<JobProcesses> job) {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(250));
      std::erase_if(jobs_, [](const std::unique_ptr<JobProcesses> &job) {
        if (!job->scan().empty()) return false;
        if (auto *cgroup = job->cgroup()) {
          if (cgroup->populated()) return false;
          cgroup->remove();
        }
        return true;
      });
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<JobProcesses>> jobs_;
  std::thread thread_;
};

DetachedReaper &reaper() {
  static DetachedReaper instance;
  return instance;
}

}  // namespace

void keep_reaping(std::unique_ptr<JobProcesses> job) {
  reaper().add(std::move(job));
}

}  // namespace runtimo::spawn
