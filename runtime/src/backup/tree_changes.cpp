// backup/tree_changes.cpp — see tree_changes.hpp.
#include "backup/tree_changes.hpp"

#include "backup/node_copy.hpp"
#include "backup/target_path.hpp"

#include <algorithm>
#include <map>

namespace runtimo::backup {
namespace {

// Every entry of the node at `path` (itself as ""), by relative path.
std::map<std::string, TreeEntry> entries_of(const std::filesystem::path &path) {
  std::map<std::string, TreeEntry> out;
  const TargetPath target = split_target(path);
  const UniqueFd parent = open_parent(target.parent, MissingParents::absent);
  if (!parent.valid() || !stat_entry(parent.get(), target.name, path)) return out;
  std::vector<TreeEntry> below;
  const Metadata top = describe_node({parent.get(), target.name, path}, nullptr, &below);
  out.emplace("", TreeEntry{"", top.kind, top.mode, top.kind == Kind::directory ? std::string() : top.sha256});
  for (auto &e : below) out.emplace(e.relative_path, std::move(e));
  return out;
}

}  // namespace

std::vector<PathChange> changes_since(const BackupStore &store, std::string_view job, const PreImage &pre) {
  const auto before = pre.stored.empty() ? std::map<std::string, TreeEntry>{} : entries_of(store.root() / std::string(job) / pre.stored);
  const auto now = entries_of(pre.path);
  auto full = [&](const std::string &rel) { return rel.empty() ? pre.path : pre.path / rel; };
  std::vector<PathChange> out;
  for (const auto &[rel, e] : now) {
    const auto it = before.find(rel);
    if (it == before.end()) out.push_back({full(rel), "created", e.kind});
    else if (it->second.kind != e.kind || it->second.mode != e.mode || it->second.sha256 != e.sha256)
      out.push_back({full(rel), "modified", e.kind});
  }
  for (const auto &[rel, e] : before)
    if (!now.contains(rel)) out.push_back({full(rel), "deleted", e.kind});
  std::sort(out.begin(), out.end(), [](const PathChange &a, const PathChange &b) { return a.path < b.path; });
  return out;
}

}  // namespace runtimo::backup
