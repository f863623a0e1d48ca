// wal/index_buckets.cpp — the job index's record files; see index_buckets.hpp.
#include "wal/index_buckets.hpp"

#include "wal/index_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace runtimo::wal::detail {

std::uint64_t job_hash(std::string_view job) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (char c : job) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::size_t bucket_of(std::uint64_t hash) {
  static_assert(kIndexBuckets == 256);
  return static_cast<std::size_t>(hash >> 56);  // FNV's high bits are its best mixed
}

std::string bucket_file_name(std::size_t bucket) {
  char name[32];
  std::snprintf(name, sizeof name, "bucket-%03zu.rec", bucket);
  return name;
}

void BucketWriter::add(const BucketRecord &record) {
  pending_[bucket_of(record.job_hash)].push_back(record);
  ++pending_count_;
}

void BucketWriter::flush(std::vector<std::uint64_t> &counts) {
  for (std::size_t b = 0; b < pending_.size(); ++b) {
    auto &records = pending_[b];
    if (records.empty()) continue;
    std::string name = bucket_file_name(b);
    struct stat st {};
    FileDescriptor fd = index_.open_regular(name, O_RDWR | O_CREAT, 0600, nullptr, &st);
    const std::uint64_t at = counts[b] * sizeof(BucketRecord);
    // Records past the counted ones are a crash's leftovers: cut them before writing after.
    if (static_cast<std::uint64_t>(st.st_size) != at &&
        ::ftruncate(fd.get(), static_cast<off_t>(at)) != 0) {
      throw_errno("truncate", index_.path_of(name), errno);
    }
    const auto *bytes = reinterpret_cast<const char *>(records.data());
    std::size_t size = records.size() * sizeof(BucketRecord), done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd.get(), bytes + done, size - done, static_cast<off_t>(at + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw_errno("write", index_.path_of(name), n < 0 ? errno : EIO);
      done += static_cast<std::size_t>(n);
    }
    counts[b] += records.size();
    records.clear();
  }
  pending_count_ = 0;
}

bool read_bucket(const JournalDir &index, std::size_t bucket, std::uint64_t count,
                 std::vector<BucketRecord> &out) {
  out.clear();
  if (count == 0) return true;
  std::string name = bucket_file_name(bucket);
  struct stat st {};
  FileDescriptor fd = index.open_if_exists(name, O_RDONLY, nullptr, &st);
  if (!fd.valid()) return false;
  const std::uint64_t size = count * sizeof(BucketRecord);
  if (static_cast<std::uint64_t>(st.st_size) < size) return false;
  out.resize(count);
  auto *bytes = reinterpret_cast<char *>(out.data());
  std::uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd.get(), bytes + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("read", index.path_of(name), errno);
    if (n == 0) return false;
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

void remove_buckets(const JournalDir &index) {
  for (std::size_t b = 0; b < kIndexBuckets; ++b) index.unlink(bucket_file_name(b));
}

}  // namespace runtimo::wal::detail
