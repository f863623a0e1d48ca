// backup/content_copy.hpp — copying a regular file's bytes from one open descriptor to another,
// the cheapest way the filesystem allows, and the SHA-256 of the copy in the same pass:
//   1. ioctl(FICLONE): the copy shares the source's extents (btrfs, XFS with reflink, bcachefs);
//      nothing is written until one of them changes; the digest reads the shared extents once;
//   2. for a large file, O_DIRECT writes from a ring of buffers read from the source, digested
//      by a second thread as they are written (direct_copy.hpp): the copy bypasses the page
//      cache, so it allocates no page for each of its bytes and is on the disk when it returns;
//   3. copy_file_range(2) (small files, and large ones where O_DIRECT is refused): the kernel
//      copies (server-side on NFS, no user-space buffer), in
//      chunks; for a large file a second thread digests each chunk already copied (reading the
//      copy back from the page cache) while the next is copied, and the writeback of each chunk
//      is started at once (sync_file_range), so the copy, the digest and the disk's writes
//      overlap and the caller's fsync has little left to wait for;
//   4. pread/pwrite in blocks, digesting the buffer, where neither is possible (another
//      filesystem on old kernels, filesystems without the call).
// Each step falls through to the next when the call is unsupported for these two files. The
// digest is always of the bytes in `dst`, so it describes exactly what was stored.
#pragma once

#include "backup/file_digest.hpp"

#include <cstdint>
#include <filesystem>

namespace runtimo::backup {

struct CopiedContent {
  std::uint64_t size = 0;
  Sha256Stream digest;  // of the copy's bytes; hex() gives the digest, and it can be fed more
};

// Copies all of `src` (from offset 0 to its end) into the empty file `dst` (opened O_RDWR);
// returns the bytes copied and their digest. Errors throw "cannot copy <src_shown> to
// <dst_shown>: ...".
CopiedContent copy_content(int src, int dst, const std::filesystem::path &src_shown,
                           const std::filesystem::path &dst_shown);

}  // namespace runtimo::backup
