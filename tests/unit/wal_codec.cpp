// wal_codec — the line codec of FORMAT.md: CRC-32C, sealing, checking, event assembly,
// timestamps and segment names.
#define BOOST_TEST_MODULE wal_codec
#include <boost/test/unit_test.hpp>

#include "util/utf8.hpp"
#include "wal/crc32c.hpp"
#include "wal/journal.hpp"
#include "wal/line_check.hpp"
#include "wal/line_codec.hpp"
#include "wal/segment_names.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <random>
#include <stdexcept>

using namespace runtimo::wal;

namespace {

boost::json::object sample_event() {
  return boost::json::object{{"seq", 7},
                             {"ts", "2026-11-28T04:06:26.123456Z"},
                             {"type", "job.started"},
                             {"job", "j-1"},
                             {"tool", "fs.read"},
                             {"args", boost::json::object{{"path", "/etc/hosts"}}}};
}

std::string hex8(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", v);
  return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(crc32c_check_value_is_e3069283) {
  BOOST_TEST(crc32c("123456789") == 0xe3069283u);
  BOOST_TEST(crc32c("") == 0u);
  BOOST_TEST(~detail::crc32c_portable(~0u, "123456789") == 0xe3069283u);
  if (detail::crc32c_hardware_available()) {
    BOOST_TEST(~detail::crc32c_hardware(~0u, "123456789") == 0xe3069283u);
  }
}

// The CPU's instruction and the table give the same CRC for every length and alignment, and
// a CRC may be carried from one path to the other piece by piece.
BOOST_AUTO_TEST_CASE(crc32c_hardware_and_portable_paths_agree_on_random_inputs) {
  BOOST_TEST_MESSAGE("hardware CRC-32C: " << detail::crc32c_hardware_available());
  if (!detail::crc32c_hardware_available()) return;
  std::mt19937_64 random(20261128);
  std::string buffer(70000, '\0');
  for (auto &c : buffer) c = static_cast<char>(random());
  for (int round = 0; round < 2000; ++round) {
    std::size_t offset = random() % 64, length = random() % (round < 1000 ? 100 : 65000);
    std::string_view piece(buffer.data() + offset, length);
    auto state = static_cast<std::uint32_t>(random());
    BOOST_TEST_REQUIRE(detail::crc32c_hardware(state, piece) ==
                       detail::crc32c_portable(state, piece));
    std::size_t cut = length == 0 ? 0 : random() % length;
    std::uint32_t mixed = detail::crc32c_portable(
        detail::crc32c_hardware(~0u, piece.substr(0, cut)), piece.substr(cut));
    BOOST_TEST_REQUIRE(mixed == detail::crc32c_hardware(~0u, piece));
  }
}

BOOST_AUTO_TEST_CASE(seal_line_appends_crc_as_last_member_over_the_line_without_it) {
  boost::json::object event = sample_event();
  std::string unsealed = boost::json::serialize(event);
  std::string line = seal_line(event);

  const std::string member = ",\"crc\":\"" + hex8(crc32c(unsealed)) + "\"}";
  BOOST_TEST(line == unsealed.substr(0, unsealed.size() - 1) + member);
  BOOST_TEST(line.find('\n') == std::string::npos);

  boost::json::object parsed;
  BOOST_TEST(check_line(line, &parsed) == "");
  BOOST_TEST(parsed.size() == event.size() + 1);
  BOOST_TEST((parsed.end() - 1)->key() == "crc");
  BOOST_TEST(parsed.at("tool") == "fs.read");
}

BOOST_AUTO_TEST_CASE(check_line_rejects_every_single_tampered_byte) {
  std::string line = seal_line(sample_event());
  for (std::size_t i = 0; i < line.size(); ++i) {
    for (char replacement : {'0', 'a', 'Z', '"', ' '}) {
      if (line[i] == replacement) continue;
      std::string tampered = line;
      tampered[i] = replacement;
      BOOST_TEST(check_line(tampered) != "",
                 "byte " << i << " -> " << replacement << ": " << tampered);
    }
  }
}

BOOST_AUTO_TEST_CASE(check_line_says_what_is_wrong) {
  std::string line = seal_line(sample_event());
  BOOST_TEST(check_line("") == "empty line");
  BOOST_TEST(check_line(boost::json::serialize(sample_event())) == "no trailing \"crc\" member");
  std::string upper = line;
  for (std::size_t i = upper.size() - 10; i < upper.size() - 2; ++i) {
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  }
  if (upper != line) BOOST_TEST(check_line(upper).find("lowercase hex") != std::string::npos);
  std::string flipped = line;
  flipped[10] ^= 0x01;
  BOOST_TEST(check_line(flipped).find("crc mismatch") != std::string::npos);
  BOOST_TEST(check_line(line + "\n") == "no trailing \"crc\" member");

  // Valid crc, but not a journal event.
  BOOST_TEST(check_line(seal_line(boost::json::object{{"ts", "x"}, {"type", "t"}, {"job", "j"}})) ==
             "\"seq\" missing or not a positive integer");
  BOOST_TEST(check_line(seal_line(
                 boost::json::object{{"seq", 0}, {"ts", "x"}, {"type", "t"}, {"job", "j"}})) ==
             "\"seq\" missing or not a positive integer");
  BOOST_TEST(check_line(seal_line(
                 boost::json::object{{"seq", 1}, {"ts", "x"}, {"type", 3}, {"job", "j"}})) ==
             "\"type\" missing or not a string");
  std::string not_json = "{\"seq\":1,";
  detail::append_crc_member(not_json += "}");
  BOOST_TEST(check_line(not_json).rfind("not JSON", 0) == 0);
}

BOOST_AUTO_TEST_CASE(seal_line_refuses_an_event_that_already_has_a_crc) {
  BOOST_CHECK_THROW(seal_line(boost::json::object{{"seq", 1}, {"crc", "00000000"}}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(seal_line(boost::json::object{}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(composed_event_line_is_byte_for_byte_the_sealed_object) {
  boost::json::object body{{"zeta", 1},
                           {"alpha", "tab\there \"quoted\" é ✓"},
                           {"nested", boost::json::object{{"b", 1.5}, {"a", nullptr}}},
                           {"list", boost::json::array{1, "two", false}}};
  auto prepared = detail::prepare_event("job.completed", "j-\"42\"", body);
  std::string composed = detail::compose_event_line(42, "2026-11-28T04:06:26.000001Z", prepared);

  boost::json::object whole{{"seq", 42},
                            {"ts", "2026-11-28T04:06:26.000001Z"},
                            {"type", "job.completed"},
                            {"job", "j-\"42\""}};
  for (const auto &member : body) whole.emplace(member.key(), member.value());
  BOOST_TEST(composed == seal_line(whole));
  BOOST_TEST(check_line(composed) == "");

  auto empty_body = detail::prepare_event("session.opened", "", {});
  std::string bare = detail::compose_event_line(1, "2026-11-28T04:06:26.000001Z", empty_body);
  BOOST_TEST(
      bare.rfind("{\"seq\":1,\"ts\":\"2026-11-28T04:06:26.000001Z\",\"type\":\"session.opened\","
                 "\"job\":\"\",\"crc\":\"",
                 0) == 0);
  BOOST_TEST(check_line(bare) == "");
}

BOOST_AUTO_TEST_CASE(prepare_event_refuses_reserved_members_and_invalid_utf8) {
  for (const char *key : {"seq", "ts", "type", "job", "crc"}) {
    BOOST_CHECK_THROW(detail::prepare_event("t", "j", boost::json::object{{key, 1}}),
                      std::invalid_argument);
  }
  BOOST_CHECK_THROW(detail::prepare_event("t", "j", boost::json::object{{"out", "\xff"}}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(detail::prepare_event(
                        "t", "j", boost::json::object{{"x", boost::json::array{"ok", "\xc0\xaf"}}}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(detail::prepare_event("t\xed\xa0\x80", "j", {}), std::invalid_argument);
  BOOST_CHECK_NO_THROW(
      detail::prepare_event("t", "j", boost::json::object{{"out", "h\xc3\xa9 \xf0\x9f\x98\x80"}}));
}

BOOST_AUTO_TEST_CASE(segment_numbers_order_and_increment_as_decimal_strings) {
  BOOST_TEST(detail::segment_number_less("9", "10"));
  BOOST_TEST(detail::segment_number_less("99999999999999999999", "100000000000000000000"));
  BOOST_TEST(!detail::segment_number_less("20", "19"));
  BOOST_TEST(!detail::segment_number_less("7", "7"));
  BOOST_TEST(detail::next_segment_number("1") == "2");
  BOOST_TEST(detail::next_segment_number("9") == "10");
  BOOST_TEST(detail::next_segment_number("18446744073709551615") == "18446744073709551616");
  BOOST_TEST(detail::next_segment_number("99999999999999999999999") == "100000000000000000000000");
}

BOOST_AUTO_TEST_CASE(utf8_validation_follows_rfc_3629) {
  BOOST_TEST(runtimo::util::is_valid_utf8(""));
  BOOST_TEST(runtimo::util::is_valid_utf8("plain ascii"));
  BOOST_TEST(runtimo::util::is_valid_utf8("\xc3\xa9\xe2\x9c\x93\xf4\x8f\xbf\xbf"));
  BOOST_TEST(!runtimo::util::is_valid_utf8("\xc3"));              // truncated
  BOOST_TEST(!runtimo::util::is_valid_utf8("\xc0\x80"));          // overlong NUL
  BOOST_TEST(!runtimo::util::is_valid_utf8("\xe0\x80\x80"));      // overlong 3-byte
  BOOST_TEST(!runtimo::util::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  BOOST_TEST(!runtimo::util::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  BOOST_TEST(!runtimo::util::is_valid_utf8("\x80"));              // lone continuation
}

BOOST_AUTO_TEST_CASE(timestamps_are_rfc3339_utc_with_microseconds) {
  using namespace std::chrono;
  // 2026-11-28T04:06:26Z is 1795838786 s after the epoch.
  system_clock::time_point t{
      duration_cast<system_clock::duration>(seconds(1795838786) + microseconds(123456))};
  BOOST_TEST(detail::format_timestamp(t) == "2026-11-28T04:06:26.123456Z");
  BOOST_TEST(detail::format_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000000Z");
}

BOOST_AUTO_TEST_CASE(segment_names_are_wal_8_digits_jsonl_from_1) {
  BOOST_TEST(detail::segment_file_name("1") == "wal-00000001.jsonl");
  BOOST_TEST(detail::segment_file_name("123456789") == "wal-123456789.jsonl");
  BOOST_TEST(detail::parse_segment_name("wal-00000001.jsonl").value() == "1");
  BOOST_TEST(detail::parse_segment_name("wal-123456789.jsonl").value() == "123456789");
  BOOST_TEST(detail::parse_segment_name("wal-1234567890123456789012345.jsonl").value() ==
             "1234567890123456789012345");
  BOOST_TEST(!detail::parse_segment_name("wal-0123456789.jsonl"));  // no padding past 8 digits
  BOOST_TEST(!detail::parse_segment_name("wal-00000000.jsonl"));
  BOOST_TEST(!detail::parse_segment_name("wal-0000001.jsonl"));
  BOOST_TEST(!detail::parse_segment_name("wal-0000000a.jsonl"));
  BOOST_TEST(!detail::parse_segment_name("wal-00000001.jsonl.tmp"));
  BOOST_TEST(!detail::parse_segment_name("LOCK"));
}

// verify's check (line_check.hpp): the writer's head without a parse; a line in another form
// is parsed in full, so it accepts what check_line accepts.
BOOST_AUTO_TEST_CASE(line_head_check_reads_the_writers_head_and_parses_other_forms_in_full) {
  detail::LineHead head;
  std::string line = detail::compose_event_line(
      42, "2026-11-28T04:06:26.000001Z", detail::prepare_event("job.note", "j-1", {{"x", 1}}));
  BOOST_TEST(detail::check_line_head(line, head) == "");
  BOOST_TEST(head.seq == 42u);
  BOOST_TEST(head.type == "job.note");
  BOOST_TEST(head.job == "j-1");

  std::string reordered = seal_line(boost::json::object{
      {"ts", "2026-11-28T04:06:26.000001Z"}, {"job", "a\"b"}, {"seq", 7}, {"type", "t"}});
  BOOST_TEST(detail::check_line_head(reordered, head) == "");
  BOOST_TEST(head.seq == 7u);
  BOOST_TEST(head.job == "a\"b");
  BOOST_TEST(head.type == "t");

  BOOST_TEST(detail::check_line_head(seal_line(boost::json::object{{"seq", 1}, {"ts", "x"}}),
                                     head) == "\"type\" missing or not a string");
  std::string flipped = line;
  flipped[3] ^= 1;
  BOOST_TEST(detail::check_line_head(flipped, head).rfind("crc mismatch", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(peek_seq_reads_the_prefix_of_damaged_lines_and_refuses_overflow) {
  BOOST_TEST(detail::peek_seq("{\"seq\":17,\"ts\":garbage").value() == 17u);
  BOOST_TEST(detail::peek_seq("{\"seq\":18446744073709551615}").value() == 18446744073709551615ull);
  BOOST_TEST(!detail::peek_seq("{\"seq\":18446744073709551616,"));
  BOOST_TEST(!detail::peek_seq("{\"seq\":0,"));
  BOOST_TEST(!detail::peek_seq("{\"seq\":07,"));
  BOOST_TEST(!detail::peek_seq("{\"seq\":12"));  // torn inside the number
  BOOST_TEST(!detail::peek_seq("{\"ts\":\"x\",\"seq\":3,"));
}
