// plugin/plugin_directory.cpp — listing plugin candidates (see the header).
#include "plugin/plugin_directory.hpp"

#include <algorithm>
#include <system_error>

namespace runtimo::plugin {
namespace {

namespace fs = std::filesystem;

bool is_plugin_file_name(const std::string &name) {
  return name.size() > 10 && name.starts_with("libcap_") && name.ends_with(".so");
}

const char *kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block: return "a block device";
    case fs::file_type::character: return "a character device";
    default: return "not a regular file";
  }
}

constexpr const char *kRenameHint =
    ": remove or rename it (every libcap_*.so in a plugin directory is taken for a plugin)";

}  // namespace

std::optional<std::string> not_a_plugin_file(const fs::path &path) {
  std::error_code ec;
  const fs::file_status own = fs::symlink_status(path, ec);
  if (ec) return path.string() + ": cannot examine it: " + ec.message();
  std::string link;
  if (fs::is_symlink(own)) {
    const fs::path target = fs::read_symlink(path, ec);
    link = "a symbolic link to " + (ec ? std::string("an unreadable target") : target.string());
  }
  const fs::file_status status = link.empty() ? own : fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    return path.string() + " is " + link + ", which does not exist: remove the link or restore its target";
  }
  if (ec) return path.string() + " is " + link + " that cannot be followed: " + ec.message() + kRenameHint;
  if (fs::is_regular_file(status)) return std::nullopt;
  const std::string kind = kind_of(status.type());
  return path.string() + " is " + (link.empty() ? "" : link + ", which is ") + kind +
         (kind.starts_with("not") ? "" : ", not a plugin file") + kRenameHint;
}

DirectoryListing list_plugin_files(const fs::path &dir) {
  DirectoryListing listing;
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (status.type() == fs::file_type::not_found) {
    listing.missing = true;
    return listing;
  }
  if (ec) {
    listing.problem = "cannot read plugin directory " + dir.string() + ": " + ec.message();
    return listing;
  }
  if (!fs::is_directory(status)) {
    listing.problem = "plugin directory " + dir.string() + " is not a directory";
    return listing;
  }
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_plugin_file_name(name)) continue;
    ListedFile file{dir / name, std::nullopt};
    // The entry's type comes with the listing (d_type): a regular file costs no system call.
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || type_ec || it->is_symlink(type_ec))
      file.problem = not_a_plugin_file(file.path);
    listing.files.push_back(std::move(file));
  }
  if (ec) {
    listing.problem = "cannot read plugin directory " + dir.string() + ": " + ec.message();
    listing.files.clear();
    return listing;
  }
  std::sort(listing.files.begin(), listing.files.end(),
            [](const ListedFile &a, const ListedFile &b) { return a.path.filename() < b.path.filename(); });
  return listing;
}

}  // namespace runtimo::plugin
