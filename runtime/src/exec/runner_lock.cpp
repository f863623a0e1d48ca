// exec/runner_lock.cpp — runner lock files and the liveness probe (see runner_lock.hpp).
#include "exec/runner_lock.hpp"

#include "log/log.hpp"
#include "snapshot/process_identity.hpp"
#include "util/ids.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>

namespace runtimo::exec {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "runner-";

// Lock descriptors of the runners of this process: closed in every fork child, so a child that
// outlives its parent does not hold the parent's runner lock.
std::mutex g_fds_mutex;
std::set<int> &held_fds() {
  static auto *fds = new std::set<int>;
  return *fds;
}
void lock_fds() { g_fds_mutex.lock(); }
void unlock_fds() { g_fds_mutex.unlock(); }
void close_held_in_child() {
  for (int fd : held_fds()) ::close(fd);
  held_fds().clear();
  g_fds_mutex.unlock();
}

std::string errno_text(int err) { return std::strerror(err); }

bool is_hex_id(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// <home>/run as a directory descriptor, never through a symlink; -1 with errno when absent.
int open_run_dir(const fs::path &home, bool create) {
  const int home_fd = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (home_fd < 0) return -1;
  if (create && ::mkdirat(home_fd, "run", 0700) != 0 && errno != EEXIST) {
    const int err = errno;
    ::close(home_fd);
    errno = err;
    return -1;
  }
  const int fd = ::openat(home_fd, "run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const int err = errno;
  ::close(home_fd);
  errno = err;
  return fd;
}

// True when `name` in `dir_fd` exists and someone holds an exclusive lock on it.
bool locked_by_someone(int dir_fd, const std::string &name) {
  const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return errno != ENOENT && errno != ELOOP;  // unreadable: assume alive
  int rc;
  do rc = ::flock(fd, LOCK_SH | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  const bool held = rc != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

}  // namespace

RunnerLock::RunnerLock(int dir_fd, int lock_fd, RunnerIdentity identity)
    : dir_fd_(dir_fd), lock_fd_(lock_fd), identity_(std::move(identity)) {}

std::unique_ptr<RunnerLock> RunnerLock::acquire(const fs::path &home) {
  static std::once_flag atfork_once;
  std::call_once(atfork_once, [] { ::pthread_atfork(&lock_fds, &unlock_fds, &close_held_in_child); });

  const int dir_fd = open_run_dir(home, true);
  if (dir_fd < 0)
    throw std::runtime_error("cannot use " + (home / "run").string() + ": " + errno_text(errno));
  for (int attempt = 0; attempt < 8; ++attempt) {
    RunnerIdentity identity;
    identity.id = util::new_id();
    identity.pid = ::getpid();
    identity.start_time = snapshot::read_process_identity(identity.pid).start_time_ticks;
    const std::string name = std::string(kPrefix) + identity.id;
    const std::string temp = "." + name + ".tmp";
    const int fd = ::openat(dir_fd, temp.c_str(),
                            O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) continue;
    std::lock_guard lock(g_fds_mutex);  // no fork between taking the lock and recording it
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        ::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) == 0) {
      held_fds().insert(fd);
      return std::unique_ptr<RunnerLock>(new RunnerLock(dir_fd, fd, std::move(identity)));
    }
    ::unlinkat(dir_fd, temp.c_str(), 0);
    ::close(fd);
  }
  const int err = errno;
  ::close(dir_fd);
  throw std::runtime_error("cannot create a runner lock in " + (home / "run").string() + ": " +
                           errno_text(err));
}

RunnerLock::~RunnerLock() {
  // Unlink first, then release: whoever probes next finds no lock file, not an unlocked one.
  const std::string name = std::string(kPrefix) + identity_.id;
  ::unlinkat(dir_fd_, name.c_str(), 0);
  {
    std::lock_guard lock(g_fds_mutex);
    held_fds().erase(lock_fd_);
  }
  ::close(lock_fd_);
  ::close(dir_fd_);
}

bool runner_alive(const fs::path &home, std::string_view runner_id, std::string_view job_id) {
  const int dir_fd = open_run_dir(home, false);
  if (dir_fd < 0) return errno != ENOENT;
  bool alive;
  if (is_hex_id(runner_id)) {
    alive = locked_by_someone(dir_fd, std::string(kPrefix) + std::string(runner_id));
  } else if (runner_id.empty() && is_hex_id(job_id)) {
    alive = locked_by_someone(dir_fd, std::string(job_id));  // a job started before runner locks
  } else {
    alive = false;  // a runner id no runner ever had
  }
  ::close(dir_fd);
  return alive;
}

void remove_dead_runner_locks(const fs::path &home) {
  const int dir_fd = open_run_dir(home, false);
  if (dir_fd < 0) return;
  const int list_fd = ::dup(dir_fd);
  DIR *dir = list_fd >= 0 ? ::fdopendir(list_fd) : nullptr;
  if (dir == nullptr) {
    if (list_fd >= 0) ::close(list_fd);
    ::close(dir_fd);
    return;
  }
  while (const dirent *entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    const bool ours = name.starts_with(kPrefix) || name.starts_with("." + std::string(kPrefix)) ||
                      is_hex_id(name);
    if (!ours || locked_by_someone(dir_fd, name)) continue;
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT)
      log::write(log::Level::warning, "cannot remove " + (home / "run" / name).string() + ": " +
                                          errno_text(errno));
  }
  ::closedir(dir);
  ::close(dir_fd);
}

}  // namespace runtimo::exec
