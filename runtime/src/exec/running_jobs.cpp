// exec/running_jobs.cpp — lock-held marker files for executing jobs, and the recovery of orphans.
#include "exec/running_jobs.hpp"

#include "log/log.hpp"
#include "snapshot/process_identity.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace runtimo::exec {
namespace fs = std::filesystem;

namespace {

std::uint64_t own_start_time() {
  static const std::uint64_t start = snapshot::read_process_identity(::getpid()).start_time_ticks;
  return start;
}

bool is_job_id(const std::string &name) {
  if (name.size() != 32) return false;
  for (char c : name)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string errno_text() { return std::strerror(errno); }

// True if `fd` is still the file linked at `path` (the runner removes the marker before it
// releases the lock, so an unlinked marker means the job ended normally).
bool still_linked(int fd, const fs::path &path) {
  struct stat by_fd{}, by_path{};
  if (::fstat(fd, &by_fd) != 0 || by_fd.st_nlink == 0) return false;
  if (::lstat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev;
}

OrphanedJob read_marker(int fd, const std::string &job_id) {
  OrphanedJob o;
  o.job_id = job_id;
  char text[256] = {0};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return o;
  long long pid = 0;
  unsigned long long start = 0;
  char cap[65] = {0};
  const int got = std::sscanf(text, "%lld %llu %64s", &pid, &start, cap);
  if (got >= 2) {
    o.runner_pid = pid;
    o.runner_start_time = start;
  }
  if (got == 3) o.capability = cap;
  return o;
}

}  // namespace

RunningJobs::RunningJobs(fs::path dir) : dir_(std::move(dir)) {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST)
    log::write(log::Level::warning, "cannot create " + dir_.string() + ": " + errno_text());
}

RunningJobs::~RunningJobs() {
  // Jobs still marked when the Runtime goes away did not finish: leave their markers (now
  // unlocked) so the next open journals them as interrupted.
  for (const auto &[job, fd] : held_) ::close(fd);
}

void RunningJobs::begin(const std::string &job_id, const std::string &capability) {
  // Locked before it is renamed into place, so no reader ever sees an unlocked live marker;
  // written under a temporary name, so no reader sees it half-written.
  const fs::path marker = dir_ / job_id;
  const fs::path temp = dir_ / ("." + job_id + ".tmp");
  const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    log::write(log::Level::warning, "cannot mark the job as running: " + errno_text(), job_id);
    return;
  }
  char text[256];
  const int n = std::snprintf(text, sizeof text, "%d %" PRIu64 " %.64s\n", static_cast<int>(::getpid()),
                              own_start_time(), capability.c_str());
  const bool ok = ::flock(fd, LOCK_EX | LOCK_NB) == 0 && n > 0 &&
                  ::write(fd, text, static_cast<std::size_t>(n)) == n &&
                  ::rename(temp.c_str(), marker.c_str()) == 0;
  if (!ok) {
    log::write(log::Level::warning, "cannot mark the job as running: " + errno_text(), job_id);
    ::unlink(temp.c_str());
    ::close(fd);
    return;
  }
  std::lock_guard lock(mutex_);
  held_[job_id] = fd;
}

void RunningJobs::end(const std::string &job_id) {
  int fd = -1;
  {
    std::lock_guard lock(mutex_);
    const auto it = held_.find(job_id);
    if (it == held_.end()) return;
    fd = it->second;
    held_.erase(it);
  }
  // Unlink first, then release the lock: whoever gets the lock next sees the marker gone.
  if (::unlink((dir_ / job_id).c_str()) != 0 && errno != ENOENT)
    log::write(log::Level::warning, "cannot remove the running-job marker: " + errno_text(), job_id);
  ::close(fd);
}

std::size_t RunningJobs::recover_orphans(const std::function<void(const OrphanedJob &)> &journal) {
  std::size_t handled = 0;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_job_id(name)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;  // removed meanwhile: the job ended
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || !still_linked(fd, entry.path())) {
      ::close(fd);  // runner alive, or the job ended while we looked
      continue;
    }
    try {
      journal(read_marker(fd, name));
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::unlink(entry.path().c_str()) != 0 && errno != ENOENT)
      log::write(log::Level::warning, "cannot remove the running-job marker: " + errno_text(), name);
    ::close(fd);
    ++handled;
  }
  return handled;
}

}  // namespace runtimo::exec
