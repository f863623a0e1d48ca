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

}  // namespace

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
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || type_ec) continue;  // follows symlinks
    listing.files.push_back(dir / name);
  }
  if (ec) {
    listing.problem = "cannot read plugin directory " + dir.string() + ": " + ec.message();
    listing.files.clear();
    return listing;
  }
  std::sort(listing.files.begin(), listing.files.end(),
            [](const fs::path &a, const fs::path &b) { return a.filename() < b.filename(); });
  return listing;
}

}  // namespace runtimo::plugin
