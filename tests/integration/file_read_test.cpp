// FileRead through the whole pipeline: real files, symlinks, FIFOs, /proc, the path policy.
#define BOOST_TEST_MODULE file_read
#include <boost/test/unit_test.hpp>

#include "runtime_fixture.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

using namespace runtimo;
using namespace runtimo::test;
namespace json = boost::json;

namespace {

std::filesystem::path write(const TempDir &dir, const std::string &name, const std::string &bytes) {
  const auto p = dir / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(file_read_returns_the_content_of_a_text_file) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "hello.txt", "hello, world\n");
  const JobResult r = f.run("FileRead", {{"path", p.string()}});
  BOOST_TEST_INFO(json::serialize(r.to_json()));
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string() == "hello, world\n");
  BOOST_TEST(r.data.at("encoding").as_string() == "utf-8");
  BOOST_TEST(r.data.at("bytes_read").to_number<int>() == 13);
  BOOST_TEST(!r.data.at("truncated").as_bool());
}

BOOST_AUTO_TEST_CASE(file_read_cut_inside_a_utf8_character_never_fails) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "accent.txt", "a\xC3\xA9z");  // a é z
  const JobResult r = f.run("FileRead", {{"path", p.string()}, {"max_bytes", 2}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string() == "a");
  BOOST_TEST(r.data.at("encoding").as_string() == "utf-8");
  BOOST_TEST(r.data.at("truncated").as_bool());
}

BOOST_AUTO_TEST_CASE(file_read_returns_binary_content_as_base64) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "bin", std::string("\xff\x00\xfe\x01", 4));
  const JobResult r = f.run("FileRead", {{"path", p.string()}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("encoding").as_string() == "base64");
  BOOST_TEST(r.data.at("content").as_string() == "/wD+AQ==");
}

BOOST_AUTO_TEST_CASE(file_read_honours_offset_and_reads_a_prefix_of_a_large_file) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "big", std::string(12u << 20, 'x') + "tail");
  const JobResult r = f.run("FileRead", {{"path", p.string()}, {"offset", 12u << 20}, {"max_bytes", 100}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string() == "tail");
  const JobResult head = f.run("FileRead", {{"path", p.string()}, {"max_bytes", 10}});
  BOOST_TEST(head.success);
  BOOST_TEST(head.data.at("truncated").as_bool());
}

BOOST_AUTO_TEST_CASE(file_read_reads_proc_files_whose_size_is_zero) {
  RuntimeFixture f;
  const JobResult r = f.run("FileRead", {{"path", "/proc/self/status"}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string().find("Pid:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_read_refuses_protected_files_with_exit_3) {
  RuntimeFixture f;
  const JobResult r = f.run("FileRead", {{"path", "/etc/shadow"}});
  BOOST_TEST(r.status == JobStatus::rejected);
  BOOST_TEST(r.exit_code() == 3);
  for (const auto &e : f.journal_of(r.job_id)) BOOST_TEST(RuntimeFixture::type_of(e) != "job.started");
}

BOOST_AUTO_TEST_CASE(file_read_resolves_symlinks_before_the_policy_check) {
  RuntimeFixture f;
  TempDir dir;
  std::filesystem::create_symlink("/etc/shadow", dir / "innocent.txt");
  const JobResult r = f.run("FileRead", {{"path", (dir / "innocent.txt").string()}});
  BOOST_TEST(r.exit_code() == 3);
}

BOOST_AUTO_TEST_CASE(file_read_refuses_directories_and_fifos_without_blocking) {
  RuntimeFixture f;
  TempDir dir;
  const JobResult d = f.run("FileRead", {{"path", dir.path().string()}});
  BOOST_TEST(!d.success);
  BOOST_TEST(d.exit_code() == 2);
  const auto fifo = dir / "pipe";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const JobResult p = f.run("FileRead", {{"path", fifo.string()}});
  BOOST_TEST(!p.success);
  BOOST_TEST(p.exit_code() == 2);
}

BOOST_AUTO_TEST_CASE(file_read_of_a_missing_file_fails_with_not_found) {
  RuntimeFixture f;
  TempDir dir;
  const JobResult r = f.run("FileRead", {{"path", (dir / "nope").string()}});
  BOOST_TEST(!r.success);
  BOOST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == "not_found");
}

BOOST_AUTO_TEST_CASE(file_read_journal_keeps_large_contents_bounded_with_a_digest) {
  RuntimeFixture f;
  TempDir dir;
  const auto p = write(dir, "large.txt", std::string(100000, 'y'));
  const JobResult r = f.run("FileRead", {{"path", p.string()}});
  BOOST_TEST(r.success);
  BOOST_TEST(r.data.at("content").as_string().size() == 100000u);  // the caller gets it all
  const auto events = f.journal_of(r.job_id);
  const auto &done = events.back();
  BOOST_TEST(done.at("data").at("content").as_string().size() <= 4096u);
  const auto &cut = done.at("truncated").as_array().at(0).as_object();
  BOOST_TEST(cut.at("path").as_string() == "/data/content");
  BOOST_TEST(cut.at("bytes").to_number<int>() == 100000);
  BOOST_TEST(cut.at("sha256").as_string().size() == 64u);
}
