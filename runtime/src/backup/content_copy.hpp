// backup/content_copy.hpp — copying a regular file's bytes from one open descriptor to another,
// the cheapest way the filesystem allows:
//   1. ioctl(FICLONE): the copy shares the source's extents (btrfs, XFS with reflink, bcachefs);
//      nothing is read or written until one of them changes;
//   2. copy_file_range(2): the kernel copies (server-side on NFS, no user-space buffer);
//   3. pread/pwrite in blocks, where neither is possible (another filesystem on old kernels,
//      filesystems without the call).
// Each step falls through to the next when the call is unsupported for these two files.
#pragma once

#include <cstdint>
#include <filesystem>

namespace runtimo::backup {

// Copies all of `src` (from offset 0 to its end) into the empty file `dst`; returns the bytes
// copied. Errors throw "cannot copy <src_shown> to <dst_shown>: ...".
std::uint64_t copy_content(int src, int dst, const std::filesystem::path &src_shown,
                           const std::filesystem::path &dst_shown);

}  // namespace runtimo::backup
