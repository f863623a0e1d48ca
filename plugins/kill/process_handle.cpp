// plugins/kill/process_handle.cpp — see process_handle.hpp. The raw syscalls are used so the
// plugin does not depend on a glibc new enough to wrap them.
#include "process_handle.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace runtimo::kill {
namespace {

constexpr std::int64_t kSliceMs = 100;

}  // namespace

ProcessHandle::ProcessHandle(std::int64_t pid) {
  const long fd = ::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0u);
  if (fd < 0) {
    error_ = errno;
    return;
  }
  fd_ = static_cast<int>(fd);
}

ProcessHandle::~ProcessHandle() {
  if (fd_ >= 0) ::close(fd_);
}

int ProcessHandle::send(int signal) const {
  if (::syscall(SYS_pidfd_send_signal, fd_, signal, nullptr, 0u) == 0) return 0;
  return errno;
}

bool ProcessHandle::exited() const {
  pollfd p{fd_, POLLIN, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, 0);
    if (rc >= 0) return rc > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
    if (errno != EINTR) return false;
  }
}

bool ProcessHandle::wait_exit(std::int64_t budget_ms,
                              const std::function<bool()> &keep_waiting) const {
  using clock = std::chrono::steady_clock;
  const auto deadline =
      clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, budget_ms));
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    const std::int64_t slice = std::clamp<std::int64_t>(left.count(), 0, kSliceMs);
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(slice));
    if (rc > 0 && (p.revents & (POLLIN | POLLHUP)) != 0) return true;
    if (rc < 0 && errno != EINTR) return exited();
    if (clock::now() >= deadline || !keep_waiting()) return exited();
  }
}

}  // namespace runtimo::kill
