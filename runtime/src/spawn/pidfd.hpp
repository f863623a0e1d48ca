// spawn/pidfd.hpp — pidfd_open and pidfd_send_signal as raw system calls. glibc 2.36's
// <sys/pidfd.h> declares them without extern "C", so C++ cannot link against it; the kernel
// interface is stable, so the runner calls it directly. A pidfd names one process for good
// (never a later one with a recycled pid) and polls readable when it exits.
#pragma once

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace runtimo::spawn {

inline int open_pidfd(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // close-on-exec by the kernel
}

inline int send_signal_by_pidfd(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

}  // namespace runtimo::spawn
