// spawn_output.cpp — what is kept of stdout and stderr: everything up to the cap, past it the
// first half and the last half with the total counted; bytes pass unchanged (NUL, invalid
// UTF-8); 10 MiB and more are read as they come, without deadlock, each chunk reported.
#define BOOST_TEST_MODULE spawn_output
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "spawn/output_capture.hpp"
#include "spawn_test_support.hpp"

using namespace runtimo::spawn;
using namespace runtimo::spawn::test;

namespace {

std::string numbered_lines(int count) {
  std::string text;
  for (int i = 1; i <= count; ++i) text += std::to_string(i) + "\n";
  return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(collector_keeps_everything_up_to_the_cap) {
  StreamCollector collector(10);
  collector.append("0123");
  collector.append("456789");
  const auto capture = collector.capture();
  BOOST_TEST(capture.head == "0123456789");
  BOOST_TEST(capture.tail.empty());
  BOOST_TEST(capture.total == 10u);
  BOOST_TEST(!capture.truncated);
}

BOOST_AUTO_TEST_CASE(collector_keeps_head_and_tail_past_the_cap_for_any_chunking) {
  const std::string text = numbered_lines(500);
  for (const std::size_t max : {0ul, 1ul, 7ul, 64ul, 101ul, 1000ul}) {
    for (const std::size_t chunk : {1ul, 3ul, 50ul, 999ul, 5000ul}) {
      BOOST_TEST_CONTEXT("max " << max << " chunk " << chunk) {
        StreamCollector collector(max);
        for (std::size_t at = 0; at < text.size(); at += chunk) {
          collector.append(std::string_view(text).substr(at, chunk));
        }
        const auto capture = collector.capture();
        BOOST_TEST(capture.total == text.size());
        BOOST_TEST(capture.truncated);
        BOOST_TEST(capture.head == text.substr(0, max / 2));
        BOOST_TEST(capture.tail == text.substr(text.size() - (max - max / 2)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(ten_mebibytes_do_not_deadlock_and_are_capped) {
  auto request = request_for({"/usr/bin/head", "-c", "10485760", "/dev/zero"});
  request.max_stdout_bytes = 1 << 20;
  const auto result = run_process(request);
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
  BOOST_TEST(result.out.total == 10485760u);
  BOOST_TEST(result.out.truncated);
  BOOST_TEST(result.out.head == std::string(1 << 19, '\0'));
  BOOST_TEST(result.out.tail == std::string(1 << 19, '\0'));
}

BOOST_AUTO_TEST_CASE(stdout_and_stderr_both_large_are_read_concurrently) {
  // A writer blocked on a full stderr pipe while we wait on stdout would hang: both are large.
  auto request = shell("head -c 6000000 /dev/zero >&2 & seq 1 1000000; wait");
  request.max_stdout_bytes = 4096;
  request.max_stderr_bytes = 100;
  const auto result = run_process(request);
  const std::string expected = numbered_lines(1000000);
  BOOST_TEST(result.exit_code.value_or(-1) == 0);
  BOOST_TEST(result.out.total == expected.size());
  BOOST_TEST(result.out.head == expected.substr(0, 2048));
  BOOST_TEST(result.out.tail == expected.substr(expected.size() - 2048));
  BOOST_TEST(result.err.total == 6000000u);
  BOOST_TEST(result.err.head.size() + result.err.tail.size() == 100u);
}

BOOST_AUTO_TEST_CASE(every_chunk_is_reported_to_on_output) {
  auto request = shell("seq 1 100000; seq 1 1000 >&2");
  std::uint64_t out_bytes = 0, err_bytes = 0;
  request.on_output = [&](std::string_view stream, std::string_view chunk) {
    (stream == "stdout" ? out_bytes : err_bytes) += chunk.size();
  };
  const auto result = run_process(request);
  BOOST_TEST(out_bytes == result.out.total);
  BOOST_TEST(err_bytes == result.err.total);
  BOOST_TEST(result.out.head == numbered_lines(100000));
}

BOOST_AUTO_TEST_CASE(nul_and_invalid_utf8_pass_unchanged) {
  const auto result = run_process(request_for({"/usr/bin/printf", "\\377\\376a\\000b\\303("}));
  BOOST_TEST(result.out.head == std::string("\xff\xfe"
                                            "a\0b\xc3(",
                                            7));
}

BOOST_AUTO_TEST_CASE(hundred_mebibytes_are_read) {
  auto request = request_for({"/usr/bin/head", "-c", "104857600", "/dev/zero"});
  const auto before = std::chrono::steady_clock::now();
  const auto result = run_process(request);
  const auto took = std::chrono::steady_clock::now() - before;
  BOOST_TEST(result.out.total == 104857600u);
  BOOST_TEST_MESSAGE("100 MiB read in "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms");
}
