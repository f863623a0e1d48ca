// open_watch.hpp — observing, without races, whether anything opened a file: inotify's IN_OPEN
// is queued by the kernel when an open(2) of the inode completes (an O_PATH descriptor does not
// count: it opens nothing), and a FIFO writer that stays blocked in open(2) shows that no
// reader ever opened the FIFO.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>

namespace runtimo::test {

// Counts the completed opens of one file from the moment it is built.
class OpenWatch {
 public:
  explicit OpenWatch(const std::filesystem::path &file)
      : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ < 0 || ::inotify_add_watch(fd_, file.c_str(), IN_OPEN) < 0)
      throw std::runtime_error("cannot watch " + file.string() + " with inotify");
  }
  ~OpenWatch() { ::close(fd_); }
  OpenWatch(const OpenWatch &) = delete;
  OpenWatch &operator=(const OpenWatch &) = delete;

  // The opens since the last call (or since construction).
  int opens() {
    int count = 0;
    alignas(inotify_event) char buf[4096];
    for (;;) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return count;
      for (ssize_t at = 0; at < n;) {
        const auto *e = reinterpret_cast<const inotify_event *>(buf + at);
        if ((e->mask & IN_OPEN) != 0) ++count;
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
  }

 private:
  int fd_;
};

// A child that opens `fifo` for writing — which blocks until a reader opens it — then writes
// one byte and exits 0. Killed and reaped on destruction.
class BlockedFifoWriter {
 public:
  explicit BlockedFifoWriter(const std::filesystem::path &fifo) : pid_(::fork()) {
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int fd = ::open(fifo.c_str(), O_WRONLY);
      ::_exit(fd >= 0 && ::write(fd, "x", 1) == 1 ? 0 : 1);
    }
    // Wait (bounded) until the child sits in openat(2): /proc/<pid>/syscall starts with the
    // number of the system call a sleeping task is in.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!in_open()) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("the FIFO writer never blocked in open()");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~BlockedFifoWriter() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  BlockedFifoWriter(const BlockedFifoWriter &) = delete;
  BlockedFifoWriter &operator=(const BlockedFifoWriter &) = delete;

  pid_t pid() const { return pid_; }

  // True while the child is asleep inside openat(2).
  bool in_open() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/syscall");
    std::string number;
    in >> number;
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    const std::string text((std::istreambuf_iterator<char>(stat)),
                           std::istreambuf_iterator<char>());
    const std::size_t close = text.rfind(')');
    return number == std::to_string(SYS_openat) && close != std::string::npos &&
           text.compare(close + 2, 1, "S") == 0;
  }

  // The child's exit code (waits for it).
  int exit_code() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

}  // namespace runtimo::test
