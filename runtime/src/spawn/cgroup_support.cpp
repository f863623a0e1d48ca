// spawn/cgroup_support.cpp — cgroup_support(): whether job cgroups can be made here, probed once
// per process. The parent is the runtime's own cgroup v2 (the "0::<path>" line of
// /proc/self/cgroup) under the cgroup2 mount found in /proc/self/mountinfo — /sys/fs/cgroup on a
// pure v2 system, /sys/fs/cgroup/unified on a hybrid one. A probe cgroup is made and removed,
// because only trying tells whether a delegation, a read-only mount or a container lets us.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "spawn/proc_files.hpp"
#include "spawn/process_runner.hpp"

namespace runtimo::spawn {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount_field(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '3') {
      out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                      (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

struct Cgroup2Mount {
  std::string root;         // the part of the hierarchy mounted (field 4), "/" normally
  std::string mount_point;  // field 5
};

std::optional<Cgroup2Mount> find_cgroup2_mount() {
  const auto text = read_small_file("/proc/self/mountinfo");
  if (!text) return std::nullopt;
  std::string_view rest(*text);
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    // "<id> <parent> <maj:min> <root> <mount point> <options> [optional...] - <type> <src> ..."
    const auto dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    if (line.substr(dash + 3, 8) != "cgroup2 ") continue;
    std::string_view fields[5];
    std::string_view head = line.substr(0, dash);
    for (auto &field : fields) {
      const auto space = head.find(' ');
      field = head.substr(0, space);
      head.remove_prefix(space == std::string_view::npos ? head.size() : space + 1);
    }
    return Cgroup2Mount{unescape_mount_field(fields[3]), unescape_mount_field(fields[4])};
  }
  return std::nullopt;
}

CgroupSupport probe() {
  CgroupSupport support;
  const auto mount = find_cgroup2_mount();
  if (!mount) {
    support.why_not = "no cgroup2 file system is mounted (/proc/self/mountinfo)";
    return support;
  }
  const auto own = read_cgroup2_path(::getpid());
  if (!own || own->empty()) {
    support.why_not = "the runtime is in no cgroup v2 (no \"0::\" line in /proc/self/cgroup)";
    return support;
  }
  // Our path is relative to the cgroup namespace root; a mount of a sub-tree (root != "/")
  // shows the part below that root.
  std::string relative = *own;
  if (mount->root != "/" && relative.rfind(mount->root, 0) == 0) {
    relative = relative.substr(mount->root.size());
  }
  // path / "/x" would replace the mount point: join the path without its leading slashes.
  relative.erase(0, std::min(relative.size(), relative.find_first_not_of('/')));
  support.parent = std::filesystem::path(mount->mount_point);
  if (!relative.empty()) support.parent /= relative;
  if (::access(support.parent.c_str(), W_OK) != 0) {
    support.why_not = "the runtime's cgroup " + support.parent.string() +
                      " is not writable: " + std::strerror(errno);
    return support;
  }
  static std::atomic<unsigned> probe_counter{0};
  const auto probe_dir = support.parent / ("runtimo-probe-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(probe_counter++));
  if (::mkdir(probe_dir.c_str(), 0755) != 0) {
    support.why_not = "cannot create a cgroup in " + support.parent.string() + ": mkdir " +
                      probe_dir.string() + ": " + std::strerror(errno);
    return support;
  }
  if (::access((probe_dir / "cgroup.procs").c_str(), W_OK) != 0) {
    support.why_not = "a cgroup made in " + support.parent.string() +
                      " cannot be joined: cgroup.procs: " + std::strerror(errno);
    ::rmdir(probe_dir.c_str());
    return support;
  }
  ::rmdir(probe_dir.c_str());
  support.available = true;
  return support;
}

}  // namespace

const CgroupSupport &cgroup_support() {
  static const CgroupSupport support = probe();
  return support;
}

}  // namespace runtimo::spawn
