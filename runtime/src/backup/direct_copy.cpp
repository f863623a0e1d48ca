// backup/direct_copy.cpp — see direct_copy.hpp.
#include "backup/direct_copy.hpp"

#include "backup/backup_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

namespace runtimo::backup {

namespace {

// O_DIRECT wants buffers, offsets and lengths aligned to the device's logical block; 4096 is a
// multiple of every common one.
constexpr std::size_t kAlign = 4096;
// Each buffer of the ring holds this much; with kBuffers of them the reader can run that far
// ahead of the digest.
constexpr std::size_t kBlock = 4u << 20;
constexpr std::size_t kBuffers = 4;

struct FreeDeleter {
  void operator()(char *p) const { std::free(p); }
};
using AlignedBytes = std::unique_ptr<char, FreeDeleter>;

// The buffers and the digest thread: block s of the copy lives in buffer s % kBuffers; the
// copier fills it (wait_free, then filled), the digester digests blocks in order; a buffer is
// free again once its block is digested (its write is over by then: the copier writes each
// block before it reads the next).
class DigestRing {
 public:
  explicit DigestRing(Sha256Stream &digest) : digest_(digest) {
    for (auto &b : buffers_) {
      b.reset(static_cast<char *>(std::aligned_alloc(kAlign, kBlock)));
      if (!b) throw std::bad_alloc();
    }
    thread_ = std::thread([this] { run(); });
  }
  DigestRing(const DigestRing &) = delete;
  DigestRing &operator=(const DigestRing &) = delete;
  ~DigestRing() { stop(); }

  // The buffer for block `s`, once the block that used it before is digested.
  char *wait_free(std::uint64_t s) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return digested_ + kBuffers > s; });
    return buffers_[s % kBuffers].get();
  }

  // Block `s` holds `n` bytes: the digester may take it.
  void filled(std::uint64_t s, std::size_t n) {
    {
      std::lock_guard lock(mutex_);
      lengths_[s % kBuffers] = n;
      filled_ = s + 1;
    }
    changed_.notify_all();
  }

  // Waits until every filled block is digested, then ends the thread.
  void finish() {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return digested_ == filled_; });
    }
    stop();
  }

 private:
  void run() {
    for (;;) {
      std::uint64_t s = 0;
      std::size_t n = 0;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return filled_ > digested_ || stopping_; });
        if (stopping_) return;
        s = digested_;
        n = lengths_[s % kBuffers];
      }
      digest_.update(std::string_view(buffers_[s % kBuffers].get(), n));
      {
        std::lock_guard lock(mutex_);
        digested_ = s + 1;
      }
      changed_.notify_all();
    }
  }

  void stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  Sha256Stream &digest_;
  std::array<AlignedBytes, kBuffers> buffers_;
  std::array<std::size_t, kBuffers> lengths_{};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t filled_ = 0;
  std::uint64_t digested_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// Reads up to `want` bytes at `offset`, stopping early only at the end of the file.
std::size_t read_full(int fd, char *buf, std::size_t want, std::uint64_t offset,
                      const std::filesystem::path &src, const std::filesystem::path &dst) {
  std::size_t got = 0;
  while (got < want) {
    const ssize_t n = ::pread(fd, buf + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("copy " + src.string() + " to", dst, errno);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

// dst's descriptor flags, and whether its writes go around the page cache now.
class DirectWrites {
 public:
  DirectWrites(int fd, int flags) : fd_(fd), flags_(flags) {}
  DirectWrites(const DirectWrites &) = delete;
  DirectWrites &operator=(const DirectWrites &) = delete;
  ~DirectWrites() { through_cache(); }

  bool on() const { return on_; }
  void through_cache() {
    if (on_ && ::fcntl(fd_, F_SETFL, flags_) == 0) on_ = false;
  }

 private:
  int fd_;
  int flags_;
  bool on_ = true;
};

// Writes `n` bytes of `buf` at `offset`: the aligned part directly, the rest (and everything,
// once the device has refused the alignment) through the page cache.
void write_block(int fd, DirectWrites &direct, const char *buf, std::size_t n, std::uint64_t offset,
                 const std::filesystem::path &src, const std::filesystem::path &dst) {
  std::size_t done = 0;
  while (done < n) {
    const bool aligned = (offset + done) % kAlign == 0 && (n - done) >= kAlign;
    if (direct.on() && !aligned) direct.through_cache();
    const std::size_t want = direct.on() ? (n - done) / kAlign * kAlign : n - done;
    const ssize_t w = ::pwrite(fd, buf + done, want, static_cast<off_t>(offset + done));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL && direct.on()) {
      direct.through_cache();
      continue;
    }
    if (w < 0) throw_errno("copy " + src.string() + " to", dst, errno);
    done += static_cast<std::size_t>(w);
  }
}

}  // namespace

bool copy_direct(int src, int dst, std::uint64_t *offset, Sha256Stream &digest,
                 const std::filesystem::path &src_shown, const std::filesystem::path &dst_shown) {
  const int flags = ::fcntl(dst, F_GETFL);
  if (flags < 0 || ::fcntl(dst, F_SETFL, flags | O_DIRECT) != 0) return false;
  DirectWrites direct(dst, flags);
  DigestRing ring(digest);  // stopped by its destructor if a read or write throws
  for (std::uint64_t s = 0;; ++s) {
    char *buf = ring.wait_free(s);
    const std::size_t n = read_full(src, buf, kBlock, *offset, src_shown, dst_shown);
    if (n == 0) break;
    ring.filled(s, n);
    write_block(dst, direct, buf, n, *offset, src_shown, dst_shown);
    *offset += n;
    if (n < kBlock) break;  // read_full stops short only at the end
  }
  ring.finish();
  return true;
}

}  // namespace runtimo::backup
