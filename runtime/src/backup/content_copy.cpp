// backup/content_copy.cpp — see content_copy.hpp.
#include "backup/content_copy.hpp"

#include "backup/backup_error.hpp"
#include "backup/posix_file.hpp"

#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace runtimo::backup {

namespace {

[[noreturn]] void copy_failed(const std::filesystem::path &src, const std::filesystem::path &dst,
                              int err) {
  throw BackupError("cannot copy " + src.string() + " to " + dst.string() + ": " + errno_text(err));
}

// errno values by which copy_file_range says "not for these files", not "it failed".
bool copy_range_unsupported(int err) {
  return err == ENOSYS || err == EXDEV || err == EINVAL || err == EOPNOTSUPP || err == ENOTSUP ||
         err == EBADF;
}

// copy_file_range from `*offset` to the end; false (with *offset where it stopped) when the
// call is unsupported here, so the rest goes through read/write.
bool copy_with_range(int src, int dst, std::uint64_t *offset,
                     const std::filesystem::path &src_shown,
                     const std::filesystem::path &dst_shown) {
  constexpr std::size_t kChunk = 1 << 30;
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
    *offset += static_cast<std::uint64_t>(n);
  }
}

void copy_with_read_write(int src, int dst, std::uint64_t *offset,
                          const std::filesystem::path &src_shown,
                          const std::filesystem::path &dst_shown) {
  std::vector<char> buf(256 * 1024);
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
    *offset += static_cast<std::uint64_t>(n);
  }
}

}  // namespace

std::uint64_t copy_content(int src, int dst, const std::filesystem::path &src_shown,
                           const std::filesystem::path &dst_shown) {
  if (::ioctl(dst, FICLONE, src) == 0) {
    return static_cast<std::uint64_t>(stat_fd(dst, dst_shown).st_size);
  }
  std::uint64_t offset = 0;
  if (!copy_with_range(src, dst, &offset, src_shown, dst_shown)) {
    copy_with_read_write(src, dst, &offset, src_shown, dst_shown);
  }
  return offset;
}

}  // namespace runtimo::backup
