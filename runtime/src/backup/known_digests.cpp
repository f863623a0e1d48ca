// backup/known_digests.cpp — see known_digests.hpp.
#include "backup/known_digests.hpp"

#include "backup/posix_file.hpp"

namespace runtimo::backup {

namespace {

bool at_or_below(const std::string &path, const std::string &dir) {
  return path == dir || (path.starts_with(dir) && (dir == "/" || path[dir.size()] == '/'));
}

}  // namespace

ContentStamp ContentStamp::of(const struct stat &st) {
  ContentStamp s;
  s.dev = static_cast<std::uint64_t>(st.st_dev);
  s.ino = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = backup::mtime_ns(st);
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

void KnownDigests::remember(const std::filesystem::path &path, KnownContent content) {
  if (distrusted(path.string())) return;
  known_.insert_or_assign(path.string(), std::move(content));
}

const KnownContent *KnownDigests::find(const std::filesystem::path &path, const struct stat &now) const {
  const auto it = known_.find(path.string());
  if (it == known_.end() || !S_ISREG(now.st_mode) || !(it->second.stamp == ContentStamp::of(now))) return nullptr;
  return &it->second;
}

void KnownDigests::forget(const std::filesystem::path &path) {
  const std::string dir = path.string();
  std::erase_if(known_, [&](const auto &entry) { return at_or_below(entry.first, dir); });
}

void KnownDigests::distrust(const std::filesystem::path &path) {
  forget(path);
  distrusted_.push_back(path.string());
}

void KnownDigests::distrust_all() {
  known_.clear();
  all_distrusted_ = true;
}

bool KnownDigests::distrusted(const std::string &path) const {
  if (all_distrusted_) return true;
  for (const auto &dir : distrusted_)
    if (at_or_below(path, dir)) return true;
  return false;
}

}  // namespace runtimo::backup
