// backup/content_copy.cpp — see content_copy.hpp.
#include "backup/content_copy.hpp"

#include "backup/backup_error.hpp"
#include "backup/direct_copy.hpp"
#include "backup/posix_file.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace runtimo::backup {

namespace {

// copy_file_range copies this much per call; each chunk's writeback starts when it is copied.
constexpr std::uint64_t kChunk = 16u << 20;
// A file at least this large is digested by a second thread while it is copied.
constexpr std::uint64_t kParallelFrom = 2 * kChunk;

[[noreturn]] void copy_failed(const std::filesystem::path &src, const std::filesystem::path &dst,
                              int err) {
  throw_errno("copy " + src.string() + " to", dst, err);
}

// errno values by which copy_file_range says "not for these files", not "it failed".
bool copy_range_unsupported(int err) {
  return err == ENOSYS || err == EXDEV || err == EINVAL || err == EOPNOTSUPP || err == ENOTSUP ||
         err == EBADF;
}

// The digest of `dst` as far as the copy has gone, computed on its own thread: the copier
// says how far it got (advance), the digester reads up to there and waits for more.
class BackgroundDigest {
 public:
  explicit BackgroundDigest(int fd, Sha256Stream &digest)
      : fd_(fd), digest_(digest), thread_([this] { run(); }) {}
  BackgroundDigest(const BackgroundDigest &) = delete;
  BackgroundDigest &operator=(const BackgroundDigest &) = delete;
  ~BackgroundDigest() { finish(false); }

  void advance(std::uint64_t copied) {
    {
      std::lock_guard lock(mutex_);
      copied_ = copied;
    }
    more_.notify_one();
  }

  // Waits for the digest of everything copied (complete) or stops it early (abandon); the
  // errno of a failed read, else 0.
  int finish(bool complete) {
    if (thread_.joinable()) {
      {
        std::lock_guard lock(mutex_);
        done_ = true;
        abandoned_ = !complete;
      }
      more_.notify_one();
      thread_.join();
    }
    return error_;
  }

 private:
  void run() {
    ReadBuffer buf(ReadBuffer::kMaxBytes);
    std::uint64_t hashed = 0;
    for (;;) {
      std::uint64_t upto = 0;
      {
        std::unique_lock lock(mutex_);
        more_.wait(lock, [&] { return copied_ > hashed || done_; });
        if (abandoned_ || (done_ && copied_ == hashed)) return;
        upto = copied_;
      }
      if ((error_ = digest_fd_range(fd_, hashed, upto, digest_, buf)) != 0) return;
      hashed = upto;
    }
  }

  const int fd_;
  Sha256Stream &digest_;
  std::mutex mutex_;
  std::condition_variable more_;
  std::uint64_t copied_ = 0;
  bool done_ = false;
  bool abandoned_ = false;
  int error_ = 0;
  std::thread thread_;  // last: it starts once the rest is ready
};

// copy_file_range from `*offset` to the end, chunk by chunk, starting each chunk's writeback;
// `progress` (may be null) hears how far it got. False (with *offset where it stopped) when
// the call is unsupported here, so the rest goes through read/write.
bool copy_with_range(int src, int dst, std::uint64_t *offset, BackgroundDigest *progress,
                     const std::filesystem::path &src_shown,
                     const std::filesystem::path &dst_shown) {
  for (;;) {
    loff_t in = static_cast<loff_t>(*offset);
    loff_t out = in;
    const ssize_t n = ::copy_file_range(src, &in, dst, &out, kChunk, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (copy_range_unsupported(errno)) return false;
      copy_failed(src_shown, dst_shown, errno);
    }
    if (n == 0) return true;
    // Best effort: where the call is missing the caller's fsync writes everything anyway.
    ::sync_file_range(dst, static_cast<off_t>(*offset), n, SYNC_FILE_RANGE_WRITE);
    *offset += static_cast<std::uint64_t>(n);
    if (progress != nullptr) progress->advance(*offset);
  }
}

void copy_with_read_write(int src, int dst, std::uint64_t *offset, Sha256Stream &digest,
                          const std::filesystem::path &src_shown,
                          const std::filesystem::path &dst_shown) {
  ReadBuffer buf(ReadBuffer::kMaxBytes);
  for (;;) {
    const ssize_t n = ::pread(src, buf.data(), buf.size(), static_cast<off_t>(*offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      copy_failed(src_shown, dst_shown, errno);
    }
    if (n == 0) return;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::pwrite(dst, buf.data() + done, static_cast<std::size_t>(n - done),
                                 static_cast<off_t>(*offset) + done);
      if (w < 0) {
        if (errno == EINTR) continue;
        copy_failed(src_shown, dst_shown, errno);
      }
      done += w;
    }
    digest.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    *offset += static_cast<std::uint64_t>(n);
  }
}

void digest_copy(int dst, std::uint64_t from, std::uint64_t to, Sha256Stream &digest,
                 const std::filesystem::path &dst_shown) {
  ReadBuffer buf(to - from);
  if (const int err = digest_fd_range(dst, from, to, digest, buf); err != 0)
    throw_errno("read", dst_shown, err);
}

}  // namespace

CopiedContent copy_content(int src, int dst, const std::filesystem::path &src_shown,
                           const std::filesystem::path &dst_shown) {
  CopiedContent c;
  if (::ioctl(dst, FICLONE, src) == 0) {
    c.size = static_cast<std::uint64_t>(stat_fd(dst, dst_shown).st_size);
    digest_copy(dst, 0, c.size, c.digest, dst_shown);
    return c;
  }
  const auto expected = static_cast<std::uint64_t>(stat_fd(src, src_shown).st_size);
  std::uint64_t offset = 0;
  bool ranged = false;
  if (expected >= kParallelFrom) {
    if (copy_direct(src, dst, &offset, c.digest, src_shown, dst_shown)) {
      c.size = offset;
      return c;
    }
    BackgroundDigest background(dst, c.digest);  // abandoned by its destructor if the copy throws
    ranged = copy_with_range(src, dst, &offset, &background, src_shown, dst_shown);
    if (const int err = background.finish(true); err != 0) throw_errno("read", dst_shown, err);
  } else {
    ranged = copy_with_range(src, dst, &offset, nullptr, src_shown, dst_shown);
    digest_copy(dst, 0, offset, c.digest, dst_shown);
  }
  // Where copy_file_range stopped (unsupported), read/write goes on, digesting as it goes.
  if (!ranged) copy_with_read_write(src, dst, &offset, c.digest, src_shown, dst_shown);
  c.size = offset;
  return c;
}

}  // namespace runtimo::backup
