// backup/direct_copy.hpp — copying a large file into the backup store with O_DIRECT writes.
//
// The source is read (through the page cache, where a file just used usually is) into a ring
// of aligned buffers; each buffer is written to the copy straight to the disk while a second
// thread digests it. The copy never enters the page cache, so it costs none of the page
// allocations a buffered copy of the same size makes (what bounds `cp` on a busy machine), it
// does not push the machine's working set out of memory for a backup that is rarely read, and
// its bytes are on the disk when the call returns: the caller's fsync has only the metadata and
// a cache flush left. The digest is of the buffers written, i.e. of exactly the stored bytes.
#pragma once

#include "backup/file_digest.hpp"

#include <cstdint>
#include <filesystem>

namespace runtimo::backup {

// Copies `src` from *offset to its end into `dst` (an empty file opened O_RDWR, *offset 0),
// feeding `digest` every byte, and leaves *offset at the end. Returns false, having written
// nothing, when dst's filesystem does not take O_DIRECT (the caller copies another way). A
// last block shorter than the alignment is written through the page cache; should the device
// refuse the alignment, the rest goes through the page cache too. dst is left without
// O_DIRECT. Errors throw "cannot copy <src_shown> to <dst_shown>: ...".
bool copy_direct(int src, int dst, std::uint64_t *offset, Sha256Stream &digest,
                 const std::filesystem::path &src_shown, const std::filesystem::path &dst_shown);

}  // namespace runtimo::backup
