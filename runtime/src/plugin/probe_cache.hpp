// plugin/probe_cache.hpp — the probe verdicts the host already has, kept in the home
// (<home>/index/plugin-probes), so that a file is probed once, not by every command.
//
// Derived data, like the meta-schema memo: a verdict depends only on the file (its path and
// FileIdentity: device, inode, size, mtime and ctime in ns) and on the host, whose version and
// ABI the file's header names; a file of another host is ignored and replaced. A missing,
// unreadable or damaged cache only costs probes. A known-good file costs a substring search in
// text read once per command; a file that changed has another identity, so it is probed again.
//
// Format: a header line, then one line per verdict, `<identity key> <path as a JSON string>
// <verdict as JSON>`. Lines are appended with one write each (O_APPEND), so runners that
// probe at once interleave whole lines; a file grown past 1 MiB is rewritten (through a
// temporary file and rename) with only the verdicts of the last save. Written without fsync.
#pragma once

#include "plugin/file_identity.hpp"
#include "plugin/probe_verdict.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::plugin {

class ProbeCache {
 public:
  // Reads `file` if it exists and belongs to this host.
  explicit ProbeCache(std::filesystem::path file);

  // The verdict last remembered (read or since) for `plugin` as it is now (`identity`).
  std::optional<ProbeVerdict> find(const std::filesystem::path &plugin,
                                   const FileIdentity &identity) const;
  // Remembers a verdict worth remembering (ProbeVerdict::worth_remembering); save() writes it.
  void remember(const std::filesystem::path &plugin, const FileIdentity &identity,
                const ProbeVerdict &verdict);
  // Writes what was remembered since it was read (best effort: an unwritable home is skipped).
  void save();

  const std::filesystem::path &file() const { return file_; }

 private:
  std::filesystem::path file_;
  bool ours_ = false;       // the file exists with this host's header
  bool torn_tail_ = false;  // its last line has no '\n' (a writer died mid-line)
  // The file's lines after the header and those remembered since, each preceded by '\n'.
  std::string text_;
  std::vector<std::string> fresh_;  // lines to write
};

}  // namespace runtimo::plugin
