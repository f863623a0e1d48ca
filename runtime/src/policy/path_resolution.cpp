// policy/path_resolution.cpp — see path_resolution.hpp. Resolution walks the path one
// component at a time with realpath(3) until the first component that does not exist; that
// component is either a dangling symlink (followed: a create through it would land at its
// target) or really missing (then the rest is appended as text and may not go up with "..",
// which the kernel would refuse anyway and which would make the text lie about the target).
#include "policy/path_resolution.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace runtimo::policy {
namespace {

constexpr int kMaxSymlinkHops = 40;  // the kernel's MAXSYMLINKS

Resolution refuse(rt_status status, std::string message, std::string hint = {}) {
  Resolution r;
  r.status = status;
  r.message = std::move(message);
  r.hint = std::move(hint);
  return r;
}

std::vector<std::string> components(std::string_view absolute) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < absolute.size()) {
    const std::size_t slash = absolute.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? absolute.size() : slash;
    if (end > pos) out.emplace_back(absolute.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string join(const std::string &base, std::string_view name) {
  std::string out = base;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

// realpath() into a std::string; errno is kept on failure.
bool real_path(const std::string &path, std::string *out) {
  std::unique_ptr<char, decltype(&std::free)> buf(::realpath(path.c_str(), nullptr), &std::free);
  if (!buf) return false;
  out->assign(buf.get());
  return true;
}

// The refusal for a realpath() failure other than "does not exist".
Resolution resolution_error(int err, const std::string &path) {
  const std::string why = std::strerror(err);
  switch (err) {
    case EACCES:
      return refuse(RT_DENIED, "cannot resolve " + path + ": " + why,
                    "a directory on the way is not searchable by Runtimo's user");
    case ENOTDIR:
      return refuse(RT_INVALID_ARGS,
                    "cannot resolve " + path + ": a component of the path is not a directory",
                    "check the path: a file appears where a directory is expected");
    case ELOOP:
      return refuse(RT_INVALID_ARGS, "cannot resolve " + path + ": too many levels of symlinks");
    case ENAMETOOLONG:
      return refuse(RT_INVALID_ARGS, "cannot resolve " + path + ": the path is too long");
    default:
      return refuse(RT_FAILED, "cannot resolve " + path + ": " + why);
  }
}

}  // namespace

Resolution absolute_path(std::string_view path, const std::filesystem::path &working_dir) {
  if (path.empty()) return refuse(RT_INVALID_ARGS, "path is empty", "give a file path");
  if (const std::size_t nul = path.find('\0'); nul != std::string_view::npos)
    return refuse(RT_INVALID_ARGS, "path contains a NUL byte at offset " + std::to_string(nul),
                  "a path cannot contain NUL bytes");
  if (path.size() >= PATH_MAX)
    return refuse(RT_INVALID_ARGS, "path is " + std::to_string(path.size()) +
                                       " bytes long: the limit is " + std::to_string(PATH_MAX - 1) +
                                       " (PATH_MAX)");
  Resolution r;
  if (path.front() == '/') {
    r.path.assign(path);
  } else {
    std::string base = working_dir.string();
    if (base.empty() || base.front() != '/') {
      std::error_code ec;
      base = std::filesystem::current_path(ec).string();
      if (ec)
        return refuse(RT_FAILED, "cannot resolve relative path " + std::string(path) +
                                     ": no working directory (" + ec.message() + ")");
    }
    r.path = join(base, path);
  }
  if (r.path.size() >= PATH_MAX)
    return refuse(RT_INVALID_ARGS, "path " + r.path + " is longer than PATH_MAX (" +
                                       std::to_string(PATH_MAX - 1) + " bytes)");
  return r;
}

std::string lexically_normal(std::string_view absolute) {
  std::string out = std::filesystem::path(absolute).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Resolution resolve_path(const std::string &absolute) {
  std::string current = absolute;
  for (int hop = 0; hop <= kMaxSymlinkHops; ++hop) {
    Resolution r;
    if (real_path(current, &r.path)) return r;
    if (const int err = errno; err != ENOENT) return resolution_error(err, current);

    // Find the first component that does not exist; everything before it resolves.
    const std::vector<std::string> parts = components(current);
    std::string ancestor = "/";
    std::size_t missing = 0;
    for (; missing < parts.size(); ++missing) {
      std::string next;
      if (!real_path(join(ancestor, parts[missing]), &next)) {
        const int err = errno;
        if (err != ENOENT) return resolution_error(err, join(ancestor, parts[missing]));
        break;
      }
      ancestor = std::move(next);
    }
    if (missing == parts.size()) {
      // Appeared meanwhile: resolve again from the start.
      continue;
    }

    const std::string first_missing = join(ancestor, parts[missing]);
    struct stat st {};
    if (::lstat(first_missing.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      // A dangling symlink: a create through it lands at its target, so resolve that.
      std::string target(PATH_MAX, '\0');
      const ssize_t n = ::readlink(first_missing.c_str(), target.data(), target.size());
      if (n < 0) {
        const int err = errno;
        return resolution_error(err, first_missing);
      }
      target.resize(static_cast<std::size_t>(n));
      if (target.empty()) return resolution_error(ENOENT, first_missing);
      std::string rebuilt = target.front() == '/' ? target : join(ancestor, target);
      for (std::size_t i = missing + 1; i < parts.size(); ++i) rebuilt = join(rebuilt, parts[i]);
      if (rebuilt.size() >= PATH_MAX) return resolution_error(ENAMETOOLONG, current);
      current = std::move(rebuilt);
      continue;
    }

    r.path = ancestor;
    for (std::size_t i = missing; i < parts.size(); ++i) {
      if (parts[i] == ".") continue;
      if (parts[i] == "..")
        return refuse(RT_INVALID_ARGS,
                      absolute + " goes up with \"..\" after " + join(ancestor, parts[missing]) +
                          ", which does not exist",
                      "give the path without \"..\" components");
      r.path = join(r.path, parts[i]);
    }
    if (r.path.size() >= PATH_MAX) return resolution_error(ENAMETOOLONG, r.path);
    return r;
  }
  return resolution_error(ELOOP, absolute);
}

}  // namespace runtimo::policy
