// spawn/pipe_io.cpp — pipe creation and SIGPIPE-free writes (see the header).
#include "spawn/pipe_io.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace runtimo::spawn {

namespace {

constexpr int kPipeBytes = 1 << 20;

UniqueFd above_stdio(UniqueFd fd) {
  if (fd.get() > 2) return fd;
  UniqueFd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
  if (!moved) throw std::system_error(errno, std::generic_category(), "spawn: fcntl F_DUPFD");
  return moved;
}

}  // namespace

PipeEnds make_pipe(PipeDirection direction) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "spawn: pipe2");
  }
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  // Bigger pipes mean fewer wake-ups for a chatty command; refused beyond pipe-max-size (fine).
  ::fcntl(write_end.get(), F_SETPIPE_SZ, kPipeBytes);
  PipeEnds ends;
  if (direction == PipeDirection::to_child) {
    ends.runner = std::move(write_end);
    ends.child = above_stdio(std::move(read_end));
  } else {
    ends.runner = std::move(read_end);
    ends.child = above_stdio(std::move(write_end));
  }
  ::fcntl(ends.runner.get(), F_SETFL, ::fcntl(ends.runner.get(), F_GETFL) | O_NONBLOCK);
  return ends;
}

UniqueFd open_dev_null() {
  UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::system_error(errno, std::generic_category(), "spawn: open /dev/null");
  return above_stdio(std::move(fd));
}

ssize_t write_without_sigpipe(int fd, const char *data, std::size_t size) {
  sigset_t sigpipe, previous, pending;
  ::sigemptyset(&sigpipe);
  ::sigaddset(&sigpipe, SIGPIPE);
  ::sigpending(&pending);
  const bool already_pending = ::sigismember(&pending, SIGPIPE) == 1;
  ::pthread_sigmask(SIG_BLOCK, &sigpipe, &previous);
  const ssize_t written = ::write(fd, data, size);
  const int write_errno = errno;
  if (written < 0 && write_errno == EPIPE && !already_pending) {
    // The SIGPIPE this write raised is pending on this thread: take it before unblocking.
    const timespec no_wait{0, 0};
    while (::sigtimedwait(&sigpipe, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = write_errno;
  return written;
}

}  // namespace runtimo::spawn
