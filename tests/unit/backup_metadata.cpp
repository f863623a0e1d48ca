// backup_metadata.cpp — what inspect() reports for each kind of path (never following a
// symlink, refusing FIFOs), the content and tree digests, and the JSON form of Metadata and
// PreImage (every byte kept, malformed objects refused).
#define BOOST_TEST_MODULE backup_metadata
#include <boost/test/unit_test.hpp>

#include "backup/backup_store.hpp"
#include "backup/base64.hpp"
#include "backup/metadata.hpp"
#include "backup/tree_digest.hpp"
#include "backup_test_tree.hpp"
#include "util/digest.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <string>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace runtimo::backup;
using namespace runtimo::backup::test;

namespace {


Metadata round_trip(const Metadata &m) {
  return metadata_from_json(json::parse(json::serialize(to_json(m))).as_object());
}

}  // namespace

BOOST_AUTO_TEST_CASE(inspect_describes_a_file_with_every_field) {
  Sandbox box;
  const fs::path f = box.data / "f.txt";
  const std::string content = "\xEF\xBB\xBFline one\r\nline two\r\n";
  write_file(f, content);
  set_mode(f, 0751);
  set_mtime(f, 1000000000, 123456789);
  const bool xattrs = set_user_xattr(f, "user.runtimo.note", std::string("v\0\xff", 3));

  const Metadata m = inspect(f);
  BOOST_TEST((m.kind == Kind::file));
  BOOST_TEST(m.mode == 0751u);
  BOOST_TEST(m.uid == ::geteuid());
  BOOST_TEST(m.mtime_ns == 1000000000123456789LL);
  BOOST_TEST(m.size == content.size());
  BOOST_TEST(m.sha256 == runtimo::util::sha256_hex(content));
  BOOST_TEST(m.links == 1u);
  BOOST_TEST(m.link_target.empty());
  if (xattrs) {
    BOOST_TEST_REQUIRE(m.xattrs.size() == 1u);
    BOOST_TEST(m.xattrs[0].name == "user.runtimo.note");
    BOOST_TEST(m.xattrs[0].value == std::string("v\0\xff", 3));
  } else {
    BOOST_TEST_MESSAGE("user.* extended attributes are not supported here: xattr check skipped");
  }
}

BOOST_AUTO_TEST_CASE(inspect_describes_a_symlink_without_following_it) {
  Sandbox box;
  const fs::path link = box.data / "passwd";
  fs::create_symlink("/etc/passwd", link);
  const Metadata m = inspect(link);
  BOOST_TEST((m.kind == Kind::symlink));
  BOOST_TEST(m.link_target == "/etc/passwd");
  BOOST_TEST(m.size == std::string("/etc/passwd").size());
  BOOST_TEST(m.sha256 == runtimo::util::sha256_hex("/etc/passwd"));
  BOOST_TEST(m.mode == 0777u);

  fs::create_symlink("no/such/target", box.data / "dangling");
  BOOST_TEST((inspect(box.data / "dangling").kind == Kind::symlink));
}

BOOST_AUTO_TEST_CASE(inspect_of_a_missing_path_is_absent) {
  Sandbox box;
  BOOST_TEST((inspect(box.data / "missing") == Metadata{}));
  BOOST_TEST((inspect(box.data / "no" / "such" / "dir" / "file") == Metadata{}));
  write_file(box.data / "plain", "x");
  BOOST_TEST((inspect(box.data / "plain" / "below-a-file") == Metadata{}));
}

BOOST_AUTO_TEST_CASE(inspect_of_a_hard_linked_file_reports_two_links) {
  Sandbox box;
  write_file(box.data / "one", "shared");
  fs::create_hard_link(box.data / "one", box.data / "two");
  BOOST_TEST(inspect(box.data / "one").links == 2u);
  BOOST_TEST(inspect(box.data / "two").links == 2u);
}

BOOST_AUTO_TEST_CASE(inspect_refuses_a_fifo_without_opening_it) {
  Sandbox box;
  const fs::path fifo = box.data / "pipe";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening it for reading would block here forever (no writer): inspect must not.
  const std::string message = backup_error_of([&] { inspect(fifo); });
  BOOST_TEST(contains(message, fifo.string()), message);
  BOOST_TEST(contains(message, "it is a FIFO"), message);

  fs::create_directories(box.data / "tree");
  write_file(box.data / "tree" / "ok.txt", "ok");
  BOOST_TEST_REQUIRE(::mkfifo((box.data / "tree" / "pipe").c_str(), 0600) == 0);
  const std::string inside = backup_error_of([&] { inspect(box.data / "tree"); });
  BOOST_TEST(contains(inside, (box.data / "tree" / "pipe").string() + ": it is a FIFO"), inside);
}

BOOST_AUTO_TEST_CASE(inspect_refuses_a_symlink_among_the_parents) {
  Sandbox box;
  fs::create_directories(box.data / "real");
  write_file(box.data / "real" / "f", "x");
  fs::create_directory_symlink("real", box.data / "alias");
  const std::string message = backup_error_of([&] { inspect(box.data / "alias" / "f"); });
  BOOST_TEST(contains(message, (box.data / "alias").string() + " is a symlink"), message);
}

BOOST_AUTO_TEST_CASE(paths_that_are_not_absolute_and_normalised_are_refused) {
  for (const char *bad : {"relative/path", "/a/../b", "/a/./b", "/a//b", "/a/b/", "/", ""}) {
    const std::string message = backup_error_of([&] { inspect(bad); });
    BOOST_TEST(contains(message, "a resolved absolute path is needed"), bad << ": " << message);
  }
}

BOOST_AUTO_TEST_CASE(file_digest_streams_over_large_files) {
  Sandbox box;
  std::string content;
  for (unsigned i = 0; content.size() < 700 * 1024; ++i)
    content += std::to_string(i * 2654435761u) + "\n";
  write_file(box.data / "big", content);
  const int fd = ::open((box.data / "big").c_str(), O_RDONLY | O_CLOEXEC);
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST(::lseek(fd, 100, SEEK_SET) == 100);  // the position is not used
  BOOST_TEST(sha256_hex_of_fd(fd) == runtimo::util::sha256_hex(content));
  ::close(fd);
  BOOST_TEST(inspect(box.data / "big").sha256 == runtimo::util::sha256_hex(content));
}

BOOST_AUTO_TEST_CASE(tree_digest_is_equal_for_equal_trees_and_changes_with_any_entry) {
  Sandbox box;
  make_tree(box.data / "one");
  make_tree(box.data / "two");
  const std::string d = tree_digest(box.data / "one");
  BOOST_TEST(d.size() == 64u);
  BOOST_TEST(tree_digest(box.data / "two") == d);  // other mtimes and inodes, same content
  const Metadata m = inspect(box.data / "one");
  BOOST_TEST(m.sha256 == d);
  BOOST_TEST(m.size == 10u);  // every entry below, recursively (the directory itself not)

  set_mode(box.data / "two" / "sub" / "b.bin", 0644);
  const std::string mode_changed = tree_digest(box.data / "two");
  BOOST_TEST(mode_changed != d);
  write_file(box.data / "two" / "sub" / "deeper" / "c.txt", "Gamma");
  BOOST_TEST(tree_digest(box.data / "two") != mode_changed);
  fs::create_directories(box.data / "one" / "empty" / "new");
  BOOST_TEST(tree_digest(box.data / "one") != d);

  const std::string message = backup_error_of([&] { tree_digest(box.data / "one" / "a.txt"); });
  BOOST_TEST(contains(message, "not a directory"), message);
}

BOOST_AUTO_TEST_CASE(metadata_json_round_trips_every_field_and_byte) {
  Metadata link;
  link.kind = Kind::symlink;
  link.mode = 0777;
  link.uid = 4000000000u;
  link.gid = 7;
  link.mtime_ns = -1500000000;                               // before 1970
  link.link_target = std::string("caf\xe9\xff/target", 11);  // not UTF-8
  link.size = link.link_target.size();
  link.sha256 = runtimo::util::sha256_hex(link.link_target);
  link.links = 1;
  link.xattrs = {{"security.selinux", std::string("label\0", 6)},
                 {"user.b", std::string("\0\x01\x02", 3)}};
  const json::object o = to_json(link);
  BOOST_TEST(o.contains("link_target_base64"));
  BOOST_TEST(!o.contains("link_target"));
  BOOST_TEST((round_trip(link) == link));

  Sandbox box;
  write_file(box.data / "f", "content\r\n");
  set_user_xattr(box.data / "f", "user.k", "v");
  const Metadata file = inspect(box.data / "f");
  BOOST_TEST((round_trip(file) == file));
  const json::object fo = to_json(file);
  BOOST_TEST(fo.at("mtime_ns").is_int64());
  BOOST_TEST(fo.at("sha256").as_string() == runtimo::util::sha256_hex("content\r\n"));

  make_tree(box.data / "tree");
  const Metadata dir = inspect(box.data / "tree");
  BOOST_TEST((round_trip(dir) == dir));

  BOOST_TEST((round_trip(Metadata{}) == Metadata{}));
  BOOST_TEST(json::serialize(to_json(Metadata{})) == R"({"kind":"absent"})");
}

BOOST_AUTO_TEST_CASE(malformed_metadata_json_is_refused_with_the_field_named) {
  Sandbox box;
  write_file(box.data / "f", "x");
  const json::object good = to_json(inspect(box.data / "f"));
  const auto refused = [&](const std::string &field, json::value v) {
    json::object o = good;
    if (v.is_null()) {
      o.erase(field);
    } else {
      o[field] = v;
    }
    return backup_error_of([&] { metadata_from_json(o); });
  };
  BOOST_TEST(contains(refused("kind", "fifo"), "malformed backup metadata: kind"));
  BOOST_TEST(contains(refused("kind", nullptr), "kind: missing"));
  BOOST_TEST(contains(refused("mode", 010000), "mode: above"));
  BOOST_TEST(contains(refused("mode", -1), "mode: not a non-negative integer"));
  BOOST_TEST(contains(refused("uid", "0"), "uid: not a non-negative integer"));
  BOOST_TEST(contains(refused("sha256", "ABC"), "sha256: not 64 lowercase hex digits"));
  BOOST_TEST(contains(
      refused("xattrs", json::array{json::object{{"name", "user.a"}, {"value_base64", "!!"}}}),
      "not canonical base64"));
  BOOST_TEST(contains(
      refused("xattrs", json::array{json::object{{"name", "user.a"}, {"value_base64", ""}},
                                    json::object{{"name", "user.a"}, {"value_base64", ""}}}),
      "appears twice"));
  BOOST_TEST(contains(refused("xattrs", nullptr), "xattrs: missing"));
}

BOOST_AUTO_TEST_CASE(base64_accepts_only_canonical_text) {
  for (const std::string &bytes : {std::string(), std::string("f"), std::string("fo"),
                                   std::string("foo"), std::string("\0\xff\x10\x80", 4)}) {
    BOOST_TEST((base64_decode(base64_encode(bytes)) == bytes));
  }
  BOOST_TEST(base64_encode("foob") == "Zm9vYg==");
  BOOST_TEST(!base64_decode("Zm9vYh==").has_value());  // non-zero unused bits
  BOOST_TEST(!base64_decode("Zm9").has_value());
  BOOST_TEST(!base64_decode("Zm=v").has_value());
}

BOOST_AUTO_TEST_CASE(pre_image_json_round_trips_and_checks_the_stored_name) {
  PreImage p;
  p.path = "/srv/data/notes.txt";
  p.before.kind = Kind::file;
  p.before.mode = 0640;
  p.before.sha256 = runtimo::util::sha256_hex("x");
  p.before.size = 1;
  p.stored = "3";
  const json::object o = to_json(p);
  BOOST_TEST(o.at("stored").as_string() == "3");
  BOOST_TEST((pre_image_from_json(json::parse(json::serialize(o)).as_object()) == p));

  PreImage odd = p;
  odd.path = std::string("/srv/\xff\xfe", 7);
  BOOST_TEST((pre_image_from_json(to_json(odd)) == odd));

  json::object escape = o;
  escape["stored"] = "../other-job/0";
  BOOST_TEST(contains(backup_error_of([&] { pre_image_from_json(escape); }), "contains '/'"));
  json::object partial = o;
  partial["stored"] = ".partial-3";
  BOOST_TEST(contains(backup_error_of([&] { pre_image_from_json(partial); }), "starts with '.'"));
  json::object relative = o;
  relative["path"] = "srv/data";
  BOOST_TEST(contains(backup_error_of([&] { pre_image_from_json(relative); }),
                      "path: not an absolute path"));
  PreImage absent;
  absent.path = "/srv/new";
  BOOST_TEST((pre_image_from_json(to_json(absent)) == absent));
  json::object absent_stored = to_json(absent);
  absent_stored["stored"] = "0";
  BOOST_TEST(contains(backup_error_of([&] { pre_image_from_json(absent_stored); }),
                      "set for an absent path"));
}
