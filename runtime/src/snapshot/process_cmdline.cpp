// snapshot/process_cmdline.cpp — CmdlineReader: process_vm_readv of the argument area, the
// /proc/<pid>/cmdline file as the fallback.
#include "snapshot/process_cmdline.hpp"

#include "snapshot/proc_files.hpp"

#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace runtimo::snapshot {
namespace {

// True when the pids in the /proc below `proc_fd` are this process's pids: "self" there names
// getpid(). Not so when /proc was mounted for another pid namespace (a container given the
// host's /proc): process_vm_readv would then read whichever process has that number here.
bool same_pid_namespace(int proc_fd) {
  char link[32];
  const ssize_t n = ::readlinkat(proc_fd, "self", link, sizeof link);
  if (n <= 0) return false;
  pid_t self = 0;
  const auto [end, ec] = std::from_chars(link, link + n, self);
  return ec == std::errc{} && end == link + n && self == ::getpid();
}

}  // namespace

CmdlineReader::CmdlineReader(int proc_fd)
    : proc_fd_(proc_fd), reads_memory_(same_pid_namespace(proc_fd)) {}

std::optional<long> CmdlineReader::read_memory(std::int64_t pid, const ArgumentArea &area, char *buf,
                                std::size_t cap) {
  // All 0: hidden from us or no memory (zombie, kernel thread); env_end 0: not set up yet.
  if (area.env_end == 0 || cap == 0) return std::nullopt;
  if (area.arg_start >= area.arg_end) return 0;  // the kernel shows nothing
  const std::uint64_t length = area.arg_end - area.arg_start;
  const std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(length, cap));
  // The area's last byte decides between the plain case and a rewritten title; read it along
  // with the first `wanted` bytes when the cut leaves it out.
  char last = '\0';
  const bool last_included = wanted == length;
  iovec local[2] = {{buf, wanted}, {&last, 1}};
  iovec remote[2] = {{reinterpret_cast<void *>(area.arg_start), wanted},
                     {reinterpret_cast<void *>(area.arg_end - 1), 1}};
  const unsigned long count = last_included ? 1 : 2;
  const ssize_t n = ::process_vm_readv(static_cast<pid_t>(pid), local, count, remote, count, 0);
  if (n < 0) {
    const int err = errno;
    if (process_gone(err)) return -err;
    if (err == EPERM || err == ENOSYS) reads_memory_.store(false, std::memory_order_relaxed);
    return std::nullopt;  // EFAULT (an exec in between), EPERM, ...: the file decides
  }
  if (static_cast<std::size_t>(n) != wanted + (last_included ? 0 : 1)) return std::nullopt;
  if (last_included) last = buf[wanted - 1];
  if (last != '\0') return std::nullopt;  // a rewritten title
  return static_cast<long>(wanted);
}

long CmdlineReader::read(std::int64_t pid, const ArgumentArea &area, const char *file, char *buf,
                         std::size_t cap) {
  if (reads_memory()) {
    if (const std::optional<long> n = read_memory(pid, area, buf, cap)) return *n;
  }
  return read_once(proc_fd_, file, buf, cap);
}

}  // namespace runtimo::snapshot
