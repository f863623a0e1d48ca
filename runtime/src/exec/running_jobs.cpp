// exec/running_jobs.cpp — marker files for executing jobs and the search for orphans.
#include "exec/running_jobs.hpp"

#include "log/log.hpp"
#include "snapshot/process_identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace runtimo::exec {
namespace fs = std::filesystem;

namespace {

std::uint64_t own_start_time() {
  static const std::uint64_t start = snapshot::read_process_identity(::getpid()).start_time_ticks;
  return start;
}

bool is_job_id(const std::string &name) {
  if (name.size() != 32) return false;
  for (char c : name)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

RunningJobs::RunningJobs(fs::path dir) : dir_(std::move(dir)) {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST)
    log::write(log::Level::warning, "cannot create " + dir_.string() + ": " + std::strerror(errno));
}

void RunningJobs::begin(const std::string &job_id, const std::string &capability) const {
  // Written under a temporary name and renamed, so a reader never sees a half-written marker.
  const fs::path marker = dir_ / job_id;
  const fs::path temp = dir_ / ("." + job_id + ".tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    log::write(log::Level::warning, "cannot mark the job as running: " + std::string(std::strerror(errno)), job_id);
    return;
  }
  char text[256];
  const int n = std::snprintf(text, sizeof text, "%d %" PRIu64 " %.64s\n", static_cast<int>(::getpid()),
                              own_start_time(), capability.c_str());
  if (n > 0 && ::write(fd, text, static_cast<std::size_t>(n)) != n)
    log::write(log::Level::warning, "cannot write the running-job marker", job_id);
  ::close(fd);
  if (::rename(temp.c_str(), marker.c_str()) != 0)
    log::write(log::Level::warning, "cannot mark the job as running: " + std::string(std::strerror(errno)), job_id);
}

void RunningJobs::end(const std::string &job_id) const {
  if (::unlink((dir_ / job_id).c_str()) != 0 && errno != ENOENT)
    log::write(log::Level::warning, "cannot remove the running-job marker: " + std::string(std::strerror(errno)), job_id);
}

std::vector<OrphanedJob> RunningJobs::orphans() const {
  std::vector<OrphanedJob> out;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_job_id(name)) continue;
    std::FILE *f = std::fopen(entry.path().c_str(), "re");
    if (f == nullptr) continue;
    OrphanedJob o;
    o.job_id = name;
    long long pid = 0;
    unsigned long long start = 0;
    char cap[65] = {0};
    const int got = std::fscanf(f, "%lld %llu %64s", &pid, &start, cap);
    std::fclose(f);
    if (got < 2 || pid <= 0) {
      out.push_back(o);  // unreadable marker: treat its job as interrupted
      continue;
    }
    o.runner_pid = pid;
    o.runner_start_time = start;
    o.capability = got == 3 ? cap : "";
    const rt_process_identity id = snapshot::read_process_identity(pid);
    if (!id.exists || id.start_time_ticks != start || id.state == 'Z') out.push_back(o);
  }
  return out;
}

}  // namespace runtimo::exec
