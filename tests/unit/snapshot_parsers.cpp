// snapshot_parsers.cpp — the /proc text parsers of the snapshot module, fed crafted text:
// stat lines, /proc/stat, meminfo, loadavg, pressure, net/dev, net/tcp*/udp*, mountinfo.
#define BOOST_TEST_MODULE snapshot_parsers
#include <boost/test/unit_test.hpp>

#include "snapshot/disk_stats.hpp"
#include "snapshot/net_stats.hpp"
#include "snapshot/process_identity.hpp"
#include "snapshot/system_stats.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace snap = runtimo::snapshot;

namespace {

// The way the kernel prints a socket address: each 32-bit word of the address in memory,
// as a native-endian integer in %08X.
std::string kernel_hex(const void *addr, std::size_t words) {
  std::string out;
  for (std::size_t i = 0; i < words; ++i) {
    std::uint32_t w;
    std::memcpy(&w, static_cast<const char *>(addr) + i * 4, 4);
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08X", w);
    out += buf;
  }
  return out;
}

std::string tcp_line(int sl, const std::string &local, const std::string &state, unsigned inode) {
  return "   " + std::to_string(sl) + ": " + local + " 00000000:0000 " + state +
         " 00000000:00000000 00:00000000 00000000  1000        0 " + std::to_string(inode) +
         " 1 0000000000000000 100 0 0 10 0\n";
}

const std::string kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n";

}  // namespace

BOOST_AUTO_TEST_CASE(stat_fields_are_read_up_to_rss) {
  // Fields 3..24: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss.
  const std::string line =
      "4242 (a (b) c) S 77 4242 4242 0 -1 4194560 100 0 0 0 123 45 0 0 20 0 7 0 987654 "
      "1048576 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto f = snap::parse_proc_stat_fields(line);
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->identity.pid == 4242);
  BOOST_TEST(std::string(f->identity.comm) == "a (b) c");
  BOOST_TEST(f->identity.state == 'S');
  BOOST_TEST(f->identity.ppid == 77);
  BOOST_TEST(f->identity.kernel_thread == 0);
  BOOST_TEST(f->identity.start_time_ticks == 987654u);
  BOOST_TEST(f->utime_ticks == 123u);
  BOOST_TEST(f->stime_ticks == 45u);
  BOOST_TEST(f->num_threads == 7);
  BOOST_TEST(f->vsize_bytes == 1048576u);
  BOOST_TEST(f->rss_pages == 300);
  // The identity parser reads the same line the same way.
  const auto id = snap::parse_proc_stat(line);
  BOOST_TEST_REQUIRE(id.has_value());
  BOOST_TEST(id->start_time_ticks == 987654u);
}

BOOST_AUTO_TEST_CASE(stat_fields_give_the_argument_area_when_the_kernel_shows_it) {
  // Fields 25..52 as a 6.x kernel writes them for a process the reader may ptrace-read:
  // 48-51 are arg_start, arg_end, env_start, env_end.
  const std::string head = "4242 (sleep) S 77 4242 4242 0 -1 4194560 100 0 0 0 123 45 0 0 20 0 1 0 987654 "
                           "1048576 300";
  const std::string tail =
      " 18446744073709551615 94000 95000 140720000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
      "96000 97000 98000 140720100 140720120 140720120 140720200 0";
  const auto full = snap::parse_proc_stat_fields(head + tail + "\n");
  BOOST_TEST_REQUIRE(full.has_value());
  BOOST_TEST(full->argument_area.arg_start == 140720100u);
  BOOST_TEST(full->argument_area.arg_end == 140720120u);
  BOOST_TEST(full->argument_area.env_start == 140720120u);
  BOOST_TEST(full->argument_area.env_end == 140720200u);
  // A kernel older than 3.5 ends the line earlier: the area stays 0, the rest is read.
  const auto old = snap::parse_proc_stat_fields(head + "\n");
  BOOST_TEST_REQUIRE(old.has_value());
  BOOST_TEST(old->rss_pages == 300);
  BOOST_TEST(old->argument_area.arg_start == 0u);
  BOOST_TEST(old->argument_area.env_end == 0u);
  // A malformed argument address is still an error.
  std::string bad = head + tail;
  bad.replace(bad.find("140720100"), 9, "0x1234");
  BOOST_TEST(!snap::parse_proc_stat_fields(bad).has_value());
}

BOOST_AUTO_TEST_CASE(stat_line_without_rss_is_rejected_by_the_snapshot_parser) {
  const std::string upto_start = "9 (x) S 1 9 9 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 555";
  BOOST_TEST(snap::parse_proc_stat(upto_start).has_value());
  BOOST_TEST(!snap::parse_proc_stat_fields(upto_start).has_value());
  BOOST_TEST(!snap::parse_proc_stat_fields(upto_start + " notanumber 5").has_value());
}

BOOST_AUTO_TEST_CASE(cpu_line_gives_busy_and_total_without_idle_and_iowait) {
  const auto t = snap::parse_cpu_times(
      "cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nbtime 1700000000\n");
  BOOST_TEST_REQUIRE(t.has_value());
  BOOST_TEST(t->total == 1181u);
  BOOST_TEST(t->busy == 161u);
  BOOST_TEST(!snap::parse_cpu_times("cpu0 1 2 3 4\n").has_value());
  BOOST_TEST(snap::parse_boot_time("cpu  1 2 3 4\nbtime 1700000000\n").value_or(0) == 1700000000);
  BOOST_TEST(!snap::parse_boot_time("cpu  1 2 3 4\n").has_value());
}

BOOST_AUTO_TEST_CASE(meminfo_in_bytes_with_estimate_when_memavailable_is_missing) {
  const auto m = snap::parse_meminfo(
      "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\n"
      "Buffers:          10 kB\nCached:          200 kB\nSwapTotal:       50 kB\n"
      "SwapFree:         40 kB\n");
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST(m->total == 1000u * 1024);
  BOOST_TEST(m->available == 600u * 1024);
  BOOST_TEST(m->has_available);
  BOOST_TEST(m->swap_total == 50u * 1024);
  BOOST_TEST(m->swap_free == 40u * 1024);
  const auto old =
      snap::parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\n");
  BOOST_TEST_REQUIRE(old.has_value());
  BOOST_TEST(!old->has_available);
  BOOST_TEST(old->available == 310u * 1024);
  BOOST_TEST(!snap::parse_meminfo("MemFree: 100 kB\n").has_value());
}

BOOST_AUTO_TEST_CASE(loadavg_and_uptime) {
  const auto l = snap::parse_loadavg("0.52 1.50 2.25 3/412 12345\n");
  BOOST_TEST_REQUIRE(l.has_value());
  BOOST_TEST(l->load1 == 0.52);
  BOOST_TEST(l->load5 == 1.50);
  BOOST_TEST(l->load15 == 2.25);
  BOOST_TEST(l->running == 3);
  BOOST_TEST(l->total == 412);
  BOOST_TEST(!snap::parse_loadavg("garbage").has_value());
  BOOST_TEST(snap::parse_uptime("8123.45 16000.00\n").value_or(0) == 8123.45);
}

BOOST_AUTO_TEST_CASE(pressure_lines_some_and_full) {
  const auto p = snap::parse_psi(
      "some avg10=1.50 avg60=0.25 avg300=0.00 total=123456\n"
      "full avg10=0.10 avg60=0.00 avg300=0.00 total=42\n");
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST_REQUIRE(p->some.has_value());
  BOOST_TEST(p->some->avg10 == 1.5);
  BOOST_TEST(p->some->avg60 == 0.25);
  BOOST_TEST(p->some->total_us == 123456u);
  BOOST_TEST_REQUIRE(p->full.has_value());
  BOOST_TEST(p->full->avg10 == 0.1);
  // cpu before 5.13: no "full" line.
  const auto cpu = snap::parse_psi("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  BOOST_TEST_REQUIRE(cpu.has_value());
  BOOST_TEST(!cpu->full.has_value());
  BOOST_TEST(!snap::parse_psi("some avg10=x avg60=0.00 avg300=0.00 total=0\n").has_value());
}

BOOST_AUTO_TEST_CASE(net_dev_counters_even_without_space_after_the_colon) {
  const auto ifs = snap::parse_net_dev(
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:    3267      29    0    0    0     0          0         0     3268      30    0 "
      "   0    0     0       0          0\n"
      "  eth0:123456789012 1292 4 0 0 0 0 0 63229 807 5 0 0 0 0 0\n");
  BOOST_TEST_REQUIRE(ifs.size() == 2u);
  BOOST_TEST(ifs[0].name == "lo");
  BOOST_TEST(ifs[0].rx_bytes == 3267u);
  BOOST_TEST(ifs[0].tx_bytes == 3268u);
  BOOST_TEST(ifs[0].tx_packets == 30u);
  BOOST_TEST(ifs[1].name == "eth0");
  BOOST_TEST(ifs[1].rx_bytes == 123456789012u);
  BOOST_TEST(ifs[1].rx_packets == 1292u);
  BOOST_TEST(ifs[1].rx_errors == 4u);
  BOOST_TEST(ifs[1].tx_errors == 5u);
}

BOOST_AUTO_TEST_CASE(tcp_listeners_only_with_decoded_addresses) {
  in_addr lo{};
  ::inet_pton(AF_INET, "127.0.0.1", &lo);
  in_addr any{};
  const std::string text = kTcpHeader + tcp_line(0, kernel_hex(&lo, 1) + ":1F90", "0A", 111) +
                           tcp_line(1, kernel_hex(&lo, 1) + ":1F91", "01", 112) +
                           tcp_line(2, kernel_hex(&any, 1) + ":0016", "0A", 113);
  std::vector<snap::ListeningSocket> out;
  snap::parse_listening_sockets(text, "tcp", &out);
  BOOST_TEST_REQUIRE(out.size() == 2u);
  BOOST_TEST(out[0].proto == "tcp");
  BOOST_TEST(out[0].address == "127.0.0.1");
  BOOST_TEST(out[0].port == 8080);
  BOOST_TEST(out[0].inode == 111u);
  BOOST_TEST(out[0].uid == 1000u);
  BOOST_TEST(out[1].address == "0.0.0.0");
  BOOST_TEST(out[1].port == 22);
}

BOOST_AUTO_TEST_CASE(tcp6_and_udp_listeners) {
  in6_addr v6{};
  ::inet_pton(AF_INET6, "fe80::1:2", &v6);
  std::vector<snap::ListeningSocket> out;
  snap::parse_listening_sockets(kTcpHeader + tcp_line(0, kernel_hex(&v6, 4) + ":0050", "0A", 9),
                                "tcp6", &out);
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].proto == "tcp6");
  BOOST_TEST(out[0].address == "fe80::1:2");
  BOOST_TEST(out[0].port == 80);
  // UDP: unconnected (07) is listening, connected (01) is not.
  in_addr lo{};
  ::inet_pton(AF_INET, "127.0.0.1", &lo);
  out.clear();
  snap::parse_listening_sockets(kTcpHeader + tcp_line(0, kernel_hex(&lo, 1) + ":0035", "07", 5) +
                                    tcp_line(1, kernel_hex(&lo, 1) + ":0036", "01", 6),
                                "udp", &out);
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].proto == "udp");
  BOOST_TEST(out[0].port == 53);
  // A TCP socket in state 07 (closed) is not listening.
  out.clear();
  snap::parse_listening_sockets(kTcpHeader + tcp_line(0, kernel_hex(&lo, 1) + ":0035", "07", 5),
                                "tcp", &out);
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(mountinfo_escapes_and_longest_whole_component_prefix) {
  const auto mounts = snap::parse_mountinfo(
      "22 27 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
      "23 27 0:22 / /tmp rw,relatime - tmpfs tmpfs rw\n"
      "24 27 0:23 / /mnt/my\\040disk rw - xfs /dev/vdb rw\n"
      "25 27 0:24 / /tmp rw - overlay overlay rw\n");
  BOOST_TEST_REQUIRE(mounts.size() == 4u);
  BOOST_TEST(mounts[2].mount_point == "/mnt/my disk");
  BOOST_TEST(mounts[2].fs_type == "xfs");
  const auto *m = snap::find_mount(mounts, "/tmp/a/b");
  BOOST_TEST_REQUIRE(m != nullptr);
  BOOST_TEST(m->fs_type == "overlay");  // the later of two mounts on /tmp is the visible one
  m = snap::find_mount(mounts, "/tmpevil");
  BOOST_TEST_REQUIRE(m != nullptr);
  BOOST_TEST(m->mount_point == "/");
  m = snap::find_mount(mounts, "/mnt/my disk/x");
  BOOST_TEST_REQUIRE(m != nullptr);
  BOOST_TEST(m->fs_type == "xfs");
}

BOOST_AUTO_TEST_CASE(disk_used_percent_as_df) {
  // 100 blocks, 30 free for root, 20 available: used 70 of 90 usable.
  BOOST_TEST(snap::disk_used_pct(100, 30, 20) == 70.0 * 100 / 90,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(snap::disk_used_pct(0, 0, 0) == 0.0);
}

BOOST_AUTO_TEST_CASE(cpu_lists_count_ranges_and_single_cpus) {
  BOOST_TEST(*snap::parse_cpu_list("0-1\n") == 2);
  BOOST_TEST(*snap::parse_cpu_list("0\n") == 1);
  BOOST_TEST(*snap::parse_cpu_list("0-3,6,8-9\n") == 7);
  BOOST_TEST(!snap::parse_cpu_list("").has_value());
  BOOST_TEST(!snap::parse_cpu_list("3-1\n").has_value());
  BOOST_TEST(!snap::parse_cpu_list("a-b\n").has_value());
}

BOOST_AUTO_TEST_CASE(kept_files_read_again_give_the_current_text) {
  // Twice in a row (the second from the kept descriptor): the same machine, sane values.
  for (int i = 0; i < 2; ++i) {
    const auto mem = snap::read_meminfo();
    BOOST_REQUIRE(mem.has_value());
    BOOST_TEST(mem->total > 0u);
    BOOST_TEST(mem->available <= mem->total);
    BOOST_TEST(*snap::read_online_cpus() == ::sysconf(_SC_NPROCESSORS_ONLN));
    BOOST_TEST(snap::read_loadavg().has_value());
  }
}
