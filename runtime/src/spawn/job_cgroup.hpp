// spawn/job_cgroup.hpp — JobCgroup: the cgroup v2 one job runs in,
// <cgroup_support().parent>/runtimo-job-<id>. It is created before the child; the child is
// created inside it through a descriptor of its directory opened here (clone3
// CLONE_INTO_CGROUP, or a fork that joins through its cgroup.procs: see child_start.hpp), and
// every process it forks is born inside, which is what makes containment exact. The runner reads
// its members, kills them all at once (cgroup.kill), reads memory.peak and cpu.stat, and removes it
// once it is empty.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/unique_fd.hpp"

namespace runtimo::spawn {

using util::UniqueFd;

class JobCgroup {
 public:
  // mkdir <parent>/runtimo-job-<id>; nullopt with `error` ("mkdir <path>: <strerror>") when not.
  static std::optional<JobCgroup> create(const std::filesystem::path &parent, std::string_view id,
                                         std::string &error);
  // The cgroup job `id` has or had under `parent` (nothing is made: for cleaning up after a
  // runtime that died, see orphaned_commands.hpp).
  static JobCgroup of_job(const std::filesystem::path &parent, std::string_view id) {
    return JobCgroup(parent / (std::string(kNamePrefix) + std::string(id)));
  }
  // Every job cgroup's name is this prefix and the job id.
  static constexpr std::string_view kNamePrefix = "runtimo-job-";

  const std::filesystem::path &path() const { return path_; }
  // The last component of the path: how /proc/<pid>/cgroup of a member (even a zombie) ends.
  std::string name() const { return path_.filename().string(); }

  // The directory opened (O_RDONLY | O_DIRECTORY | O_CLOEXEC), for the child to start in it.
  UniqueFd open_directory() const;

  std::vector<pid_t> member_pids() const;
  bool populated() const;  // cgroup.events "populated 1"; also true when unreadable but there
  // Writes "1" to cgroup.kill (SIGKILL to every member, atomically with respect to forks);
  // false where the kernel has no cgroup.kill (before 5.14).
  bool kill_all() const;

  std::optional<std::uint64_t> memory_peak() const;
  std::optional<std::uint64_t> cpu_usage_usec() const;

  // rmdir; only succeeds once no process is left in it. False (the directory stays) when not.
  bool remove();

 private:
  explicit JobCgroup(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace runtimo::spawn
