// plugins/kill/process_handle.hpp — a pidfd for one process: it names that process and no
// other even if the pid is reused, signals go to it (pidfd_send_signal), and it becomes
// readable when the process exits (so waiting is a poll(), never a fixed sleep).
#pragma once

#include <cstdint>
#include <functional>

namespace runtimo::kill {

class ProcessHandle {
 public:
  // pidfd_open(pid, 0). On failure valid() is false and error() holds errno
  // (ESRCH: no such process; EINVAL: a thread id rather than a process).
  explicit ProcessHandle(std::int64_t pid);
  ~ProcessHandle();
  ProcessHandle(const ProcessHandle &) = delete;
  ProcessHandle &operator=(const ProcessHandle &) = delete;

  bool valid() const { return fd_ >= 0; }
  int error() const { return error_; }

  // pidfd_send_signal; 0 or errno.
  int send(int signal) const;

  // True once the process has exited (zombie or reaped).
  bool exited() const;

  // Waits up to `budget_ms` for the process to exit, in slices of at most 100 ms so that
  // `keep_waiting` (e.g. "the job was not cancelled") is honoured. Returns true when it exited.
  bool wait_exit(std::int64_t budget_ms, const std::function<bool()> &keep_waiting) const;

 private:
  int fd_ = -1;
  int error_ = 0;
};

}  // namespace runtimo::kill
