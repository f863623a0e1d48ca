// backup/pre_image_json.cpp — PreImage to and from JSON (see backup_store.hpp).
#include "backup/backup_store.hpp"
#include "backup/json_fields.hpp"
#include "backup/store_layout.hpp"

namespace runtimo::backup {

namespace {

constexpr std::string_view kWhat = "backup pre-image";

}  // namespace

boost::json::object to_json(const PreImage &p) {
  boost::json::object o;
  put_bytes(o, "path", p.path.native());
  o["before"] = to_json(p.before);
  o["stored"] = p.stored;
  if (p.parent_mtime_ns) o["parent_mtime_ns"] = *p.parent_mtime_ns;
  return o;
}

PreImage pre_image_from_json(const boost::json::object &o) {
  PreImage p;
  const std::string path = get_bytes(o, "path", kWhat);
  if (path.empty() || path.front() != '/') malformed(kWhat, "path", "not an absolute path");
  p.path = path;
  const auto &before = required(o, "before", kWhat);
  if (!before.is_object()) malformed(kWhat, "before", "not an object");
  p.before = metadata_from_json(before.get_object());
  p.stored = get_string(o, "stored", kWhat);
  // Journals written before 2026-12-02 evening have no parent_mtime_ns: their restores leave
  // the directory's mtime.
  if (o.contains("parent_mtime_ns")) p.parent_mtime_ns = get_signed(o, "parent_mtime_ns", kWhat);
  if (p.before.kind == Kind::absent) {
    if (!p.stored.empty()) malformed(kWhat, "stored", "set for an absent path");
  } else {
    check_stored_name(p.stored, "malformed " + std::string(kWhat));
  }
  return p;
}

}  // namespace runtimo::backup
