// wal_writer — JournalWriter: the line it writes, seq, rotation, reopening, the directory it
// creates, and the errors it raises (FORMAT.md, "Lines", "Seq", "Appending and locking").
#define BOOST_TEST_MODULE wal_writer
#include <boost/test/unit_test.hpp>

#include "temp_dir.hpp"
#include "wal/journal.hpp"
#include "wal_test_journal.hpp"

#include <boost/json.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

using namespace runtimo::wal;
using runtimo::test::TempDir;
using runtimo::wal::test::lazy_options;

namespace {

std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<JournalRecord> read_all(const std::filesystem::path &dir,
                                    std::vector<JournalProblem> *problems = nullptr) {
  std::vector<JournalRecord> records;
  read_journal(
      dir,
      [&](const JournalRecord &r) {
        records.push_back(r);
        return true;
      },
      [&](const JournalProblem &p) {
        if (problems == nullptr) {
          BOOST_ERROR("unexpected problem: " << p.segment << ":" << p.line << ": " << p.what);
        } else {
          problems->push_back(p);
        }
      });
  return records;
}

std::vector<std::string> keys_of(const boost::json::object &object) {
  std::vector<std::string> keys;
  for (const auto &member : object) keys.emplace_back(member.key());
  return keys;
}

}  // namespace

BOOST_AUTO_TEST_CASE(append_writes_one_sealed_line_with_body_members_in_the_given_order) {
  TempDir tmp;
  auto dir = tmp / "wal";
  auto writer = JournalWriter::open(lazy_options(dir));
  boost::json::object body{
      {"zeta", 1}, {"alpha", "x"}, {"mid", boost::json::object{{"b", 1}, {"a", 2}}}};
  BOOST_TEST(writer->append("job.started", "j-1", body, Durability::lazy) == 1u);

  std::string text = read_file(dir / "wal-00000001.jsonl");
  std::regex shape(
      R"(\{"seq":1,"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","type":"job.started","job":"j-1",)"
      R"("zeta":1,"alpha":"x","mid":\{"b":1,"a":2\},"crc":"[0-9a-f]{8}"\}\n)");
  BOOST_TEST(std::regex_match(text, shape), text);
  BOOST_TEST(check_line(text.substr(0, text.size() - 1)) == "");

  auto records = read_all(dir);
  BOOST_TEST_REQUIRE(records.size() == 1u);
  const auto &r = records[0];
  BOOST_TEST(r.seq == 1u);
  BOOST_TEST(r.line == 1u);
  BOOST_TEST(r.offset == 0u);
  BOOST_TEST(r.segment == dir / "wal-00000001.jsonl");
  std::vector<std::string> expected{"seq", "ts", "type", "job", "zeta", "alpha", "mid", "crc"};
  BOOST_TEST(keys_of(r.event) == expected, boost::test_tools::per_element());
  BOOST_TEST(keys_of(r.event.at("mid").as_object()) == (std::vector<std::string>{"b", "a"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(timestamps_are_utc_now_with_microseconds) {
  TempDir tmp;
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  auto before = std::chrono::system_clock::now();
  writer->append("job.note", "j", {}, Durability::lazy);
  auto records = read_all(tmp / "wal");
  BOOST_TEST_REQUIRE(records.size() == 1u);
  std::string ts(records[0].event.at("ts").as_string());
  BOOST_TEST(ts.size() == 27u);
  std::time_t seconds = std::chrono::system_clock::to_time_t(before);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char minute[32];
  std::strftime(minute, sizeof minute, "%Y-%m-%dT%H:%M", &utc);
  BOOST_TEST((ts.rfind(minute, 0) == 0u || utc.tm_sec >= 59), ts << " vs " << minute);
}

BOOST_AUTO_TEST_CASE(seq_starts_at_1_and_increases_by_one_per_append) {
  TempDir tmp;
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  for (std::uint64_t i = 1; i <= 20; ++i) {
    BOOST_TEST(writer->append("job.note", "j", {{"i", i}}, Durability::lazy) == i);
  }
  auto records = read_all(tmp / "wal");
  BOOST_TEST_REQUIRE(records.size() == 20u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    BOOST_TEST(records[i].seq == i + 1);
    BOOST_TEST(records[i].line == i + 1);
  }
}

BOOST_AUTO_TEST_CASE(rotation_by_size_keeps_seq_increasing_across_segments_read_in_order) {
  TempDir tmp;
  auto dir = tmp / "wal";
  const std::uint64_t segment_bytes = 1000;
  auto writer = JournalWriter::open(lazy_options(dir, segment_bytes));
  for (int i = 1; i <= 60; ++i) {
    writer->append("job.note", "j-" + std::to_string(i % 3), {{"text", std::string(100, 'x')}},
                   Durability::lazy);
  }
  auto segments = list_segments(dir);
  BOOST_TEST_REQUIRE(segments.size() >= 5u);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "wal-%08zu.jsonl", i + 1);
    BOOST_TEST(segments[i].filename() == name);
    auto size = std::filesystem::file_size(segments[i]);
    if (i + 1 < segments.size()) {
      BOOST_TEST(size >= segment_bytes);       // rotated only once full...
      BOOST_TEST(size < segment_bytes + 400);  // ...by the line that filled it
    }
  }
  auto records = read_all(dir);
  BOOST_TEST_REQUIRE(records.size() == 60u);
  for (std::size_t i = 0; i < records.size(); ++i) BOOST_TEST(records[i].seq == i + 1);
  BOOST_TEST(records.front().segment == segments.front());
  BOOST_TEST(records.back().segment == segments.back());
  BOOST_TEST(verify_journal(dir).ok());
}

BOOST_AUTO_TEST_CASE(reopening_continues_seq_even_from_an_empty_newest_segment) {
  TempDir tmp;
  auto dir = tmp / "wal";
  {
    auto writer = JournalWriter::open(lazy_options(dir, 500));
    for (int i = 0; i < 10; ++i) {
      writer->append("job.note", "j", {{"pad", std::string(80, 'p')}}, Durability::lazy);
    }
  }
  {
    auto writer = JournalWriter::open(lazy_options(dir, 500));
    BOOST_TEST(!writer->recovery().torn_tail_cut);
    BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 11u);
  }
  // A rotation that created the next segment and wrote nothing into it (a crash in between).
  auto segments = list_segments(dir);
  char next[32];
  std::snprintf(next, sizeof next, "wal-%08zu.jsonl", segments.size() + 1);
  std::ofstream(dir / next).close();
  auto writer = JournalWriter::open(lazy_options(dir, 500));
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 12u);
  BOOST_TEST(std::filesystem::file_size(dir / next) > 0u);  // appended to the newest segment
  BOOST_TEST(verify_journal(dir).ok());
}

BOOST_AUTO_TEST_CASE(two_writers_in_one_process_learn_each_others_seq) {
  TempDir tmp;
  auto dir = tmp / "wal";
  auto a = JournalWriter::open(lazy_options(dir, 700));
  auto b = JournalWriter::open(lazy_options(dir, 700));
  std::uint64_t expected = 1;
  for (int round = 0; round < 30; ++round) {
    BOOST_TEST(a->append("job.note", "a", {{"pad", std::string(60, 'a')}}, Durability::lazy) ==
               expected++);
    BOOST_TEST(b->append("job.note", "b", {{"pad", std::string(60, 'b')}}, Durability::lazy) ==
               expected++);
    if (round % 4 == 0) {
      BOOST_TEST(b->append("job.note", "b", {}, Durability::lazy) == expected++);
    }
  }
  BOOST_TEST(list_segments(dir).size() > 3u);  // both followed the other's rotations
  auto report = verify_journal(dir);
  BOOST_TEST(report.ok());
  BOOST_TEST(report.lines == expected - 1);
  BOOST_TEST(report.last_seq == expected - 1);
}

// Rotation is decided by each writer's own segment_bytes; a writer must still append to the
// newest segment when another one (configured smaller) rotated before its own would have.
BOOST_AUTO_TEST_CASE(a_writer_follows_rotations_made_by_a_writer_with_smaller_segments) {
  TempDir tmp;
  auto dir = tmp / "wal";
  auto big = JournalWriter::open(lazy_options(dir));
  auto small = JournalWriter::open(lazy_options(dir, 300));
  for (int round = 0; round < 10; ++round) {
    small->append("job.note", "small", {{"pad", std::string(200, 's')}}, Durability::lazy);
    small->append("job.note", "small", {{"pad", std::string(200, 's')}}, Durability::lazy);
    big->append("job.note", "big", {}, Durability::lazy);
  }
  auto segments = list_segments(dir);
  BOOST_TEST(segments.size() >= 10u);
  auto report = verify_journal(dir);
  BOOST_TEST(report.ok());
  BOOST_TEST(report.lines == 30u);
  // The big writer's lines all went to the newest segment of the moment, never an old one.
  auto last = tail_journal(dir, 1);
  BOOST_TEST_REQUIRE(last.size() == 1u);
  BOOST_TEST(last[0].segment == segments.back());
  BOOST_TEST(last[0].event.at("job") == "big");
}

BOOST_AUTO_TEST_CASE(durable_and_always_policies_append_the_same_lines) {
  for (SyncPolicy policy : {SyncPolicy::durable, SyncPolicy::always}) {
    TempDir tmp;
    JournalOptions options;
    options.dir = tmp / "wal";
    options.sync = policy;
    auto writer = JournalWriter::open(options);
    BOOST_TEST(writer->append("job.started", "j", {{"tool", "t"}}, Durability::durable) == 1u);
    BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 2u);
    BOOST_TEST(writer->append("job.completed", "j", {}, Durability::durable) == 3u);
    BOOST_TEST(verify_journal(options.dir).lines == 3u);
  }
}

BOOST_AUTO_TEST_CASE(open_creates_private_directories_lock_and_first_segment) {
  TempDir tmp;
  auto dir = tmp / "home" / "wal";
  auto writer = JournalWriter::open(lazy_options(dir));
  BOOST_TEST(writer->dir() == dir);
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(dir.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
  BOOST_TEST_REQUIRE(::stat((dir / "corrupt").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
  BOOST_TEST(std::filesystem::is_regular_file(dir / "LOCK"));
  BOOST_TEST(std::filesystem::is_regular_file(dir / "wal-00000001.jsonl"));
  BOOST_TEST(!writer->recovery().torn_tail_cut);
}

BOOST_AUTO_TEST_CASE(append_refuses_reserved_body_members_without_writing) {
  TempDir tmp;
  auto writer = JournalWriter::open(lazy_options(tmp / "wal"));
  BOOST_CHECK_THROW(writer->append("job.note", "j", {{"seq", 5}}, Durability::lazy),
                    std::invalid_argument);
  BOOST_CHECK_THROW(writer->append("job.note", "j", {{"crc", "x"}}, Durability::lazy),
                    std::invalid_argument);
  BOOST_CHECK_THROW(writer->append("job.note", "j", {{"out", "\xfe"}}, Durability::lazy),
                    std::invalid_argument);
  BOOST_TEST(std::filesystem::file_size(tmp / "wal" / "wal-00000001.jsonl") == 0u);
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 1u);
}

BOOST_AUTO_TEST_CASE(open_error_names_the_file_and_the_errno_text) {
  TempDir tmp;
  std::ofstream(tmp / "not-a-dir").close();
  try {
    JournalWriter::open(lazy_options(tmp / "not-a-dir"));
    BOOST_ERROR("open succeeded on a regular file");
  } catch (const JournalError &e) {
    std::string what = e.what();
    BOOST_TEST(what.find((tmp / "not-a-dir").string()) != std::string::npos, what);
    BOOST_TEST(what.find("Not a directory") != std::string::npos, what);
  }
}

// A write that fails part way (here: the file size limit, EFBIG) reports the segment and the
// errno text, and takes the partial line back out so nothing torn is left behind.
BOOST_AUTO_TEST_CASE(failed_append_names_the_segment_and_leaves_no_partial_line) {
  TempDir tmp;
  auto dir = tmp / "wal";
  auto segment = dir / "wal-00000001.jsonl";
  {
    auto writer = JournalWriter::open(lazy_options(dir));
    writer->append("job.note", "j", {}, Durability::lazy);
  }
  const auto size_before = std::filesystem::file_size(segment);
  pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      auto writer = JournalWriter::open(lazy_options(dir));
      std::signal(SIGXFSZ, SIG_IGN);
      rlimit limit{static_cast<rlim_t>(size_before + 50), static_cast<rlim_t>(size_before + 50)};
      ::setrlimit(RLIMIT_FSIZE, &limit);
      try {
        writer->append("job.note", "j", {{"pad", std::string(500, 'x')}}, Durability::lazy);
        code = 10;  // should have failed
      } catch (const JournalError &e) {
        std::string what = e.what();
        std::string expected = "cannot append to " + segment.string() + ": File too large";
        if (what != expected) code = 11;
      }
    } catch (...) {
      code = 12;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(std::filesystem::file_size(segment) == size_before);
  auto writer = JournalWriter::open(lazy_options(dir));
  BOOST_TEST(!writer->recovery().torn_tail_cut);
  BOOST_TEST(writer->append("job.note", "j", {}, Durability::lazy) == 2u);
  BOOST_TEST(verify_journal(dir).ok());
}
