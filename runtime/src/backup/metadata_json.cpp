// backup/metadata_json.cpp — Metadata to and from JSON (see metadata.hpp).
#include "backup/base64.hpp"
#include "backup/json_fields.hpp"
#include "backup/metadata.hpp"

#include <algorithm>
#include <limits>

namespace runtimo::backup {

namespace {

constexpr std::string_view kWhat = "backup metadata";

bool is_sha256_hex(const std::string &s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<Xattr> xattrs_from_json(const boost::json::object &o) {
  const auto &v = required(o, "xattrs", kWhat);
  if (!v.is_array()) malformed(kWhat, "xattrs", "not an array");
  std::vector<Xattr> out;
  for (const auto &item : v.get_array()) {
    if (!item.is_object()) malformed(kWhat, "xattrs", "an item is not an object");
    const auto &x = item.get_object();
    std::string name = get_bytes(x, "name", kWhat);
    if (name.empty()) malformed(kWhat, "xattrs", "an attribute has an empty name");
    auto value = base64_decode(get_string(x, "value_base64", kWhat));
    if (!value) malformed(kWhat, "xattrs", "the value of " + name + " is not canonical base64");
    out.push_back({std::move(name), std::move(*value)});
  }
  std::sort(out.begin(), out.end(), [](const Xattr &a, const Xattr &b) { return a.name < b.name; });
  const auto dup = std::adjacent_find(
      out.begin(), out.end(), [](const Xattr &a, const Xattr &b) { return a.name == b.name; });
  if (dup != out.end()) malformed(kWhat, "xattrs", dup->name + " appears twice");
  return out;
}

}  // namespace

boost::json::object to_json(const Metadata &m) {
  boost::json::object o;
  o["kind"] = to_string(m.kind);
  if (m.kind == Kind::absent) return o;
  o["mode"] = m.mode;
  o["uid"] = m.uid;
  o["gid"] = m.gid;
  o["mtime_ns"] = m.mtime_ns;
  o["size"] = m.size;
  o["sha256"] = m.sha256;
  o["links"] = m.links;
  if (m.kind == Kind::symlink) put_bytes(o, "link_target", m.link_target);
  boost::json::array xattrs;
  for (const auto &x : m.xattrs) {
    boost::json::object item;
    put_bytes(item, "name", x.name);
    item["value_base64"] = base64_encode(x.value);
    xattrs.push_back(std::move(item));
  }
  o["xattrs"] = std::move(xattrs);
  return o;
}

Metadata metadata_from_json(const boost::json::object &o) {
  Metadata m;
  const std::string kind = get_string(o, "kind", kWhat);
  const auto k = kind_from_string(kind);
  if (!k) malformed(kWhat, "kind", "\"" + kind + "\" is not absent, file, directory or symlink");
  m.kind = *k;
  if (m.kind == Kind::absent) return m;
  constexpr std::uint64_t kId = std::numeric_limits<std::uint32_t>::max();
  m.mode = static_cast<std::uint32_t>(get_unsigned(o, "mode", 07777, kWhat));
  m.uid = static_cast<std::uint32_t>(get_unsigned(o, "uid", kId, kWhat));
  m.gid = static_cast<std::uint32_t>(get_unsigned(o, "gid", kId, kWhat));
  m.mtime_ns = get_signed(o, "mtime_ns", kWhat);
  m.size = get_unsigned(o, "size", std::numeric_limits<std::uint64_t>::max(), kWhat);
  m.sha256 = get_string(o, "sha256", kWhat);
  if (!is_sha256_hex(m.sha256)) malformed(kWhat, "sha256", "not 64 lowercase hex digits");
  m.links = get_unsigned(o, "links", std::numeric_limits<std::uint64_t>::max(), kWhat);
  if (m.kind == Kind::symlink) {
    m.link_target = get_bytes(o, "link_target", kWhat);
    if (m.link_target.size() != m.size) malformed(kWhat, "size", "not the length of link_target");
  }
  m.xattrs = xattrs_from_json(o);
  return m;
}

}  // namespace runtimo::backup
