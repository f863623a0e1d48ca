// snapshot/process_cmdline.hpp — a process's command line, the bytes /proc/<pid>/cmdline gives,
// read straight from the process's memory with one process_vm_readv(2) where the kernel allows
// it (root, or the reader's own processes), from the file otherwise.
//
// Owns: the copy of the kernel's cmdline rules (fs/proc/base.c, get_mm_cmdline) for the common
// case — the bytes [arg_start, arg_end) of the process, cut at the count asked, taken from the
// addresses in fields 48-51 of its stat line — and the fallback to the file for everything else:
// the addresses hidden (no ptrace-read right: all 0), a process still setting up (env_end 0),
// an argument area whose last byte is not NUL (the process rewrote its title past its end, as
// postgres, sshd and nginx do, which the kernel resolves by reading on into the environment),
// any failed or short read. After EPERM or ENOSYS (no ptrace-attach right, seccomp) and when
// /proc belongs to another pid namespace than the reader, it only reads the file.
//
// Why: on the project's VM the openat/read/close of cmdline costs ~12 µs a process, one
// process_vm_readv ~4.5 µs — at 400 processes that is 3 ms of a 12 ms scan (bench_snapshot_cost).
//
// A process that execs between the read of its stat line and this read has a new memory
// layout: the old addresses then fail (EFAULT, so the file is read) or, very rarely, point into
// the new image, whose bytes there are taken only if they end in NUL — the same window in which
// the file itself would already show the new program.
#pragma once

#include "snapshot/process_identity.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace runtimo::snapshot {

class CmdlineReader {
 public:
  // `proc_fd`: the open /proc directory the pids were listed from (kept by the caller).
  explicit CmdlineReader(int proc_fd);

  // At most `cap` bytes of the command line of `pid` into `buf`, NUL-separated as in the
  // file; returns the length (0: none), or -errno when the process cannot be read (ESRCH,
  // ENOENT: it exited). `file` is "<pid>/cmdline" below proc_fd, for the fallback. Safe to call
  // from several threads at once.
  long read(std::int64_t pid, const ArgumentArea &area, const char *file, char *buf,
            std::size_t cap);

  // Whether reads still try process_vm_readv (false after EPERM/ENOSYS, or another pid
  // namespace's /proc).
  bool reads_memory() const { return reads_memory_.load(std::memory_order_relaxed); }

 private:
  // nullopt when the memory read did not settle it and the file must be read.
  std::optional<long> read_memory(std::int64_t pid, const ArgumentArea &area, char *buf, std::size_t cap);

  int proc_fd_;
  std::atomic<bool> reads_memory_;
};

}  // namespace runtimo::snapshot
