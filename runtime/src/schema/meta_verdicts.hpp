// schema/meta_verdicts.hpp — the schema texts already known to pass the draft-07 meta-schema,
// remembered in a file of the home (<home>/index/meta-schema-passed), so that a `runtimo`
// command does not build and run the meta-schema again for a plugin it loaded before: that is
// about a million instructions, a quarter of the CPU of `runtimo run FileRead`.
//
// A memo of a pure function: the verdict depends only on the text, which the file names by its
// SHA-256, under a header naming the host version (another version checks again). Derived
// data: a missing, unreadable or foreign file only costs the time of checking again; it is
// written without fsync, by appending.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace runtimo::schema {

class MetaVerdicts {
 public:
  // Reads `file` if it exists and belongs to this host version.
  explicit MetaVerdicts(std::filesystem::path file);

  bool passed(std::string_view schema_text) const;
  // Remembers that `schema_text` passed; written to the file by save().
  void record(std::string_view schema_text);
  // Appends what was recorded since it was read (best effort: an unwritable home is skipped).
  void save();

 private:
  std::filesystem::path file_;
  bool header_present_ = false;
  std::set<std::string> known_;
  std::set<std::string> fresh_;
};

}  // namespace runtimo::schema
