// backup/metadata.cpp — Kind names and inspect(); the JSON form is in metadata_json.cpp.
#include "backup/metadata.hpp"

#include "backup/node_copy.hpp"
#include "backup/target_path.hpp"

namespace runtimo::backup {

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::absent:
      return "absent";
    case Kind::file:
      return "file";
    case Kind::directory:
      return "directory";
    case Kind::symlink:
      return "symlink";
  }
  return "absent";
}

std::optional<Kind> kind_from_string(std::string_view text) {
  for (Kind k : {Kind::absent, Kind::file, Kind::directory, Kind::symlink}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

Metadata inspect(const std::filesystem::path &path, const std::vector<std::filesystem::path> &skipped,
                 const KnownDigests *known) {
  const TargetPath target = split_target(path);
  const UniqueFd parent = open_parent(target.parent, MissingParents::absent);
  if (!parent.valid() || !stat_entry(parent.get(), target.name, path)) return {};
  std::set<std::string> relative;
  const std::string prefix = path.string() + "/";
  for (const auto &s : skipped)
    if (s.string().starts_with(prefix)) relative.insert(s.string().substr(prefix.size()));
  return describe_node({parent.get(), target.name, path}, relative.empty() ? nullptr : &relative, nullptr, known);
}

}  // namespace runtimo::backup
