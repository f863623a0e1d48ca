// snapshot/stat_files.cpp — StatFiles: kept /proc/<pid>/stat descriptors above 1024.
#include "snapshot/stat_files.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace runtimo::snapshot {
namespace {

constexpr int kLowest = 1024;  // FD_SETSIZE: select() cannot watch descriptors from here on
constexpr std::size_t kMaxKept = 16384;

// Half the descriptors RLIMIT_NOFILE allows above kLowest (the rest stays for everything else).
std::size_t budget_from_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  if (limit.rlim_cur <= static_cast<rlim_t>(kLowest) + 64) return 0;
  return std::min<std::size_t>((limit.rlim_cur - kLowest) / 2, kMaxKept);
}

}  // namespace

StatFiles::StatFiles() : budget_(budget_from_limit()) {}

StatFiles::~StatFiles() {
  for (const Kept &k : kept_) ::close(k.fd);
}

std::vector<int> StatFiles::take(const std::vector<std::int64_t> &pids) {
  std::vector<int> fds(pids.size(), -1);
  auto kept = kept_.begin();
  for (std::size_t i = 0; i < pids.size(); ++i) {
    for (; kept != kept_.end() && kept->pid < pids[i]; ++kept) drop(kept->fd);  // gone
    if (kept != kept_.end() && kept->pid == pids[i]) fds[i] = (kept++)->fd;
  }
  for (; kept != kept_.end(); ++kept) drop(kept->fd);
  kept_.clear();
  return fds;
}

void StatFiles::keep(const std::vector<std::int64_t> &pids, const std::vector<int> &fds) {
  kept_.clear();
  for (std::size_t i = 0; i < pids.size(); ++i)
    if (fds[i] >= 0) kept_.push_back(Kept{pids[i], fds[i]});
}

int StatFiles::adopt(int fd) {
  if (open_.fetch_add(1) >= budget_.load()) {
    --open_;
    return -1;
  }
  const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, kLowest);
  if (high < 0) {
    --open_;
    budget_ = 0;  // the limit was lowered meanwhile: keep no more
    return -1;
  }
  ::close(fd);
  return high;
}

void StatFiles::drop(int fd) {
  ::close(fd);
  --open_;
}

}  // namespace runtimo::snapshot
