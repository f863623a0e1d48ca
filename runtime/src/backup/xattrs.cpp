// backup/xattrs.cpp — see xattrs.hpp.
#include "backup/xattrs.hpp"

#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

namespace runtimo::backup {

namespace {

ssize_t list_raw(const XattrNode &n, char *buf, std::size_t size) {
  return n.fd >= 0 ? ::flistxattr(n.fd, buf, size) : ::llistxattr(n.via_proc.c_str(), buf, size);
}

ssize_t get_raw(const XattrNode &n, const std::string &name, void *buf, std::size_t size) {
  return n.fd >= 0 ? ::fgetxattr(n.fd, name.c_str(), buf, size)
                   : ::lgetxattr(n.via_proc.c_str(), name.c_str(), buf, size);
}

int set_raw(const XattrNode &n, const Xattr &x) {
  return n.fd >= 0
             ? ::fsetxattr(n.fd, x.name.c_str(), x.value.data(), x.value.size(), 0)
             : ::lsetxattr(n.via_proc.c_str(), x.name.c_str(), x.value.data(), x.value.size(), 0);
}

int remove_raw(const XattrNode &n, const std::string &name) {
  return n.fd >= 0 ? ::fremovexattr(n.fd, name.c_str())
                   : ::lremovexattr(n.via_proc.c_str(), name.c_str());
}

// The names of `n`'s attributes (unsorted).
std::vector<std::string> list_names(const XattrNode &n) {
  std::string buf;
  for (;;) {
    const ssize_t need = list_raw(n, nullptr, 0);
    if (need < 0) {
      if (errno == ENOTSUP) return {};
      throw_errno("list extended attributes of", n.shown, errno);
    }
    buf.resize(static_cast<std::size_t>(need));
    const ssize_t got = list_raw(n, buf.data(), buf.size());
    if (got >= 0) {
      buf.resize(static_cast<std::size_t>(got));
      break;
    }
    if (errno != ERANGE) throw_errno("list extended attributes of", n.shown, errno);
    // ERANGE: an attribute was added between the two calls; ask for the size again.
  }
  std::vector<std::string> names;
  for (std::size_t pos = 0; pos < buf.size();) {
    const std::size_t end = buf.find('\0', pos);
    const std::size_t stop = end == std::string::npos ? buf.size() : end;
    if (stop > pos) names.emplace_back(buf, pos, stop - pos);
    pos = stop + 1;
  }
  return names;
}

// The value of `name`, nullopt when it disappeared after being listed.
std::optional<std::string> read_value(const XattrNode &n, const std::string &name) {
  std::string value;
  for (;;) {
    const ssize_t need = get_raw(n, name, nullptr, 0);
    if (need < 0) {
      if (errno == ENODATA) return std::nullopt;
      throw_errno("read extended attribute " + name + " of", n.shown, errno);
    }
    value.resize(static_cast<std::size_t>(need));
    const ssize_t got = get_raw(n, name, value.data(), value.size());
    if (got >= 0) {
      value.resize(static_cast<std::size_t>(got));
      return value;
    }
    if (errno == ENODATA) return std::nullopt;
    if (errno != ERANGE) throw_errno("read extended attribute " + name + " of", n.shown, errno);
  }
}

// A refusal an unprivileged process meets outside user.* (security labels, ACLs it may not
// change, trusted.*), which is skipped like an owner it may not set.
bool unprivileged_refusal(const std::string &name, int err) {
  return ::geteuid() != 0 && name.rfind("user.", 0) != 0 &&
         (err == EPERM || err == EACCES || err == ENOTSUP);
}

}  // namespace

XattrNode XattrNode::open_fd(int fd, const std::filesystem::path &shown) {
  XattrNode n;
  n.fd = fd;
  n.shown = shown;
  return n;
}

XattrNode XattrNode::link(int dir_fd, const std::string &name, const std::filesystem::path &shown) {
  XattrNode n;
  n.via_proc = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
  n.shown = shown;
  return n;
}

std::vector<Xattr> read_xattrs(const XattrNode &node) {
  std::vector<Xattr> out;
  for (auto &name : list_names(node)) {
    if (auto value = read_value(node, name)) out.push_back({std::move(name), std::move(*value)});
  }
  std::sort(out.begin(), out.end(), [](const Xattr &a, const Xattr &b) { return a.name < b.name; });
  return out;
}

void write_xattrs(const XattrNode &node, const std::vector<Xattr> &wanted) {
  for (const auto &name : list_names(node)) {
    const bool keep =
        std::any_of(wanted.begin(), wanted.end(), [&](const Xattr &x) { return x.name == name; });
    if (keep || remove_raw(node, name) == 0 || errno == ENODATA) continue;
    if (unprivileged_refusal(name, errno)) continue;
    throw_errno("remove extended attribute " + name + " from", node.shown, errno);
  }
  for (const auto &x : wanted) {
    if (set_raw(node, x) == 0 || unprivileged_refusal(x.name, errno)) continue;
    throw_errno("set extended attribute " + x.name + " on", node.shown, errno);
  }
}

}  // namespace runtimo::backup
