// snapshot_telemetry.cpp — the machine telemetry compared with the system's own sources
// (/proc/meminfo, sysconf, /proc/loadavg, statvfs, uname, a socket the test opens), the CPU
// interval, the guard's pressure reading, and that capturing spawns no process.
#define BOOST_TEST_MODULE snapshot_telemetry
#include <boost/test/unit_test.hpp>

#include "snapshot/gpu_nvml.hpp"
#include "snapshot/net_stats.hpp"
#include "snapshot/telemetry.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace json = boost::json;
namespace snap = runtimo::snapshot;
using runtimo::test::TempDir;

namespace {

std::string slurp(const char *path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A "Key: N kB" value of /proc/meminfo, in bytes.
std::uint64_t meminfo_bytes(const std::string &key) {
  std::istringstream in(slurp("/proc/meminfo"));
  std::string name, unit;
  std::uint64_t value = 0;
  while (in >> name >> value) {
    std::getline(in, unit);
    if (name == key + ":") return value * 1024;
  }
  return 0;
}

double num(const json::value &v) {
  return v.to_number<double>();
}

const json::object &section(const json::object &t, const char *name) {
  return t.at(name).as_object();
}

std::size_t count_dir(const char *path) {
  std::size_t n = 0;
  DIR *d = ::opendir(path);
  while (const dirent *e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

std::atomic<int> sigchld_count{0};
void on_sigchld(int) {
  ++sigchld_count;
}

// A socket bound to 127.0.0.1 on an ephemeral port; closed on destruction.
struct LocalSocket {
  int fd = -1;
  std::uint16_t port = 0;
  ino_t inode = 0;
  explicit LocalSocket(int type) {
    fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    BOOST_TEST_REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
    if (type == SOCK_STREAM) BOOST_TEST_REQUIRE(::listen(fd, 4) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    port = ntohs(a.sin_port);
    struct stat st {};
    ::fstat(fd, &st);
    inode = st.st_ino;
  }
  ~LocalSocket() { ::close(fd); }
};

bool has_port(const json::object &t, const char *proto, std::uint16_t port, ino_t inode) {
  for (const json::value &p : t.at("ports").as_array()) {
    const json::object &o = p.as_object();
    if (o.at("proto").as_string() == proto && o.at("address").as_string() == "127.0.0.1" &&
        num(o.at("port")) == port && num(o.at("inode")) == static_cast<double>(inode))
      return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(memory_matches_proc_meminfo) {
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  const json::object &mem = section(t, "memory");
  BOOST_TEST(mem.at("total_bytes").as_uint64() == meminfo_bytes("MemTotal"));
  BOOST_TEST(mem.at("swap_total_bytes").as_uint64() == meminfo_bytes("SwapTotal"));
  const double available = num(mem.at("available_bytes"));
  const double now_available = static_cast<double>(meminfo_bytes("MemAvailable"));
  BOOST_TEST(std::fabs(available - now_available) < 0.05 * num(mem.at("total_bytes")));
  BOOST_TEST(num(mem.at("available_pct")) + num(mem.at("used_pct")) == 100.0,
             boost::test_tools::tolerance(1e-6));
  BOOST_TEST(num(mem.at("available_pct")) == 100.0 * available / num(mem.at("total_bytes")),
             boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(cpu_count_and_load_match_sysconf_and_loadavg) {
  snap::TelemetrySampler sampler;
  std::istringstream before(slurp("/proc/loadavg"));
  const json::object t = sampler.capture();
  std::istringstream after(slurp("/proc/loadavg"));
  double b1, b5, b15, a1, a5, a15;
  before >> b1 >> b5 >> b15;
  after >> a1 >> a5 >> a15;
  const json::object &cpu = section(t, "cpu");
  const long ncpu = ::sysconf(_SC_NPROCESSORS_ONLN);
  BOOST_TEST(num(cpu.at("count")) == ncpu);
  const double l1 = num(cpu.at("load1"));
  BOOST_TEST((std::fabs(l1 - b1) < 1e-9 || std::fabs(l1 - a1) < 1e-9));
  BOOST_TEST((std::fabs(num(cpu.at("load15")) - b15) < 1e-9 ||
              std::fabs(num(cpu.at("load15")) - a15) < 1e-9));
  BOOST_TEST(num(cpu.at("load_per_cpu")) == l1 / static_cast<double>(ncpu),
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(cpu.at("model").is_string());
}

BOOST_AUTO_TEST_CASE(first_capture_is_since_boot_and_a_later_one_covers_the_interval) {
  snap::TelemetrySampler sampler;
  const auto t0 = std::chrono::steady_clock::now();
  const json::object first = sampler.capture();
  // The first capture never sleeps to measure utilisation.
  const double first_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(first_ms < 500.0);
  const json::object &c1 = section(first, "cpu");
  BOOST_TEST(c1.at("since_boot").as_bool());
  BOOST_TEST(num(c1.at("interval_ms")) > 0);
  // Sooner than 250 ms: too short to measure, the previous figure is repeated.
  const json::object soon = sampler.capture();
  BOOST_TEST(section(soon, "cpu").at("since_boot").as_bool());
  BOOST_TEST(num(section(soon, "cpu").at("interval_ms")) == num(c1.at("interval_ms")));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const json::object second = sampler.capture();
  const json::object &c2 = section(second, "cpu");
  BOOST_TEST(!c2.at("since_boot").as_bool());
  BOOST_TEST(num(c2.at("interval_ms")) >= 250.0);
  BOOST_TEST(num(c2.at("interval_ms")) < 5000.0);
  BOOST_TEST(num(c2.at("utilisation_pct")) >= 0.0);
  BOOST_TEST(num(c2.at("utilisation_pct")) <= 100.0);
}

BOOST_AUTO_TEST_CASE(root_disk_matches_statvfs) {
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  const json::array &disks = t.at("disks").as_array();
  BOOST_TEST_REQUIRE(!disks.empty());
  const json::object &root = disks[0].as_object();
  BOOST_TEST(root.at("path").as_string() == "/");
  struct statvfs vfs {};
  BOOST_TEST_REQUIRE(::statvfs("/", &vfs) == 0);
  BOOST_TEST(root.at("total_bytes").as_uint64() ==
             static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize);
  const double avail = static_cast<double>(vfs.f_bavail) * static_cast<double>(vfs.f_frsize);
  BOOST_TEST(std::fabs(num(root.at("available_bytes")) - avail) <
             0.02 * num(root.at("total_bytes")) + 1);
  BOOST_TEST(num(root.at("used_pct")) >= 0.0);
  BOOST_TEST(num(root.at("used_pct")) <= 100.0);
  BOOST_TEST(root.at("mount_point").as_string() == "/");
}

// A path that does not exist yet (a home not created) is measured on its parent's filesystem.
BOOST_AUTO_TEST_CASE(extra_disk_paths_are_deduplicated_by_filesystem) {
  TempDir tmp;
  snap::TelemetrySampler sampler;
  snap::TelemetryOptions options;
  options.disk_paths = {"/", tmp.path().string(), tmp.path().string(), (tmp / "missing").string()};
  const json::object t = sampler.capture(options);
  const json::array &disks = t.at("disks").as_array();
  int root_entries = 0, tmp_entries = 0, missing_entries = 0, errors = 0;
  for (const json::value &d : disks) {
    const json::object &o = d.as_object();
    if (o.contains("error")) {
      ++errors;
      continue;
    }
    bool has_tmp = false, has_missing = false;
    for (const json::value &p : o.at("paths").as_array()) {
      if (p.as_string() == "/") ++root_entries;
      if (p.as_string() == tmp.path().string()) ++tmp_entries, has_tmp = true;
      if (p.as_string() == (tmp / "missing").string()) ++missing_entries, has_missing = true;
    }
    BOOST_TEST(has_tmp == has_missing);  // the same filesystem
  }
  BOOST_TEST(root_entries == 1);
  BOOST_TEST(tmp_entries == 1);
  BOOST_TEST(missing_entries == 1);
  BOOST_TEST(errors == 0);
  struct stat root {
  }, dir{};
  ::stat("/", &root);
  ::stat(tmp.path().c_str(), &dir);
  BOOST_TEST(disks.size() == (root.st_dev == dir.st_dev ? 1u : 2u));
}

BOOST_AUTO_TEST_CASE(host_matches_uname_and_boot_id) {
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  const json::object &host = section(t, "host");
  struct utsname u {};
  ::uname(&u);
  BOOST_TEST(host.at("hostname").as_string() == u.nodename);
  BOOST_TEST(host.at("kernel").as_string() == u.release);
  std::string boot = slurp("/proc/sys/kernel/random/boot_id");
  boot.erase(boot.find_last_not_of("\n") + 1);
  BOOST_TEST(host.at("boot_id").as_string() == boot);
  std::istringstream up(slurp("/proc/uptime"));
  double uptime = 0;
  up >> uptime;
  BOOST_TEST(std::fabs(num(host.at("uptime_s")) - uptime) < 5.0);
}

BOOST_AUTO_TEST_CASE(listening_tcp_and_bound_udp_sockets_show_up_in_ports) {
  LocalSocket tcp(SOCK_STREAM);
  LocalSocket udp(SOCK_DGRAM);
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  BOOST_TEST(has_port(t, "tcp", tcp.port, tcp.inode));
  BOOST_TEST(has_port(t, "udp", udp.port, udp.inode));
  for (const json::value &p : t.at("ports").as_array())
    BOOST_TEST(p.as_object().at("port").is_number());
}

BOOST_AUTO_TEST_CASE(tcp_listeners_from_sock_diag_and_from_proc_net_agree) {
  LocalSocket tcp(SOCK_STREAM);
  const auto ours = [&](const std::vector<snap::ListeningSocket> &list) {
    return std::count_if(list.begin(), list.end(), [&](const snap::ListeningSocket &s) {
      return s.proto == "tcp" && s.address == "127.0.0.1" && s.port == tcp.port &&
             s.inode == tcp.inode && s.uid == ::geteuid();
    });
  };
  std::string storage;
  const auto proc = snap::read_listening_sockets_proc({"tcp", "tcp6"}, storage);
  BOOST_TEST(ours(proc) == 1);
  const auto diag = snap::read_tcp_listeners_sock_diag();
  if (!diag) {
    BOOST_TEST_MESSAGE("sock_diag unavailable here: only /proc/net/tcp checked");
    return;
  }
  BOOST_TEST(ours(*diag) == 1);
  for (const snap::ListeningSocket &s : *diag) BOOST_TEST((s.proto == "tcp" || s.proto == "tcp6"));
}

BOOST_AUTO_TEST_CASE(an_ipv6_loopback_listener_shows_up_as_tcp6) {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
      ::listen(fd, 4) != 0) {
    BOOST_TEST_MESSAGE("no IPv6 loopback here: skipped");
    if (fd >= 0) ::close(fd);
    return;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  bool found = false;
  for (const json::value &p : t.at("ports").as_array()) {
    const json::object &o = p.as_object();
    if (o.at("proto").as_string() == "tcp6" && o.at("address").as_string() == "::1" &&
        num(o.at("port")) == ntohs(a.sin6_port))
      found = true;
  }
  BOOST_TEST(found);
  ::close(fd);
}

BOOST_AUTO_TEST_CASE(a_connected_tcp_socket_is_not_listed) {
  LocalSocket server(SOCK_STREAM);
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(server.port);
  BOOST_TEST_REQUIRE(::connect(client, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  struct stat st {};
  ::fstat(client, &st);
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ::getsockname(client, reinterpret_cast<sockaddr *>(&local), &len);
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  BOOST_TEST(!has_port(t, "tcp", ntohs(local.sin_port), st.st_ino));
  BOOST_TEST(has_port(t, "tcp", server.port, server.inode));
  ::close(client);
}

BOOST_AUTO_TEST_CASE(network_lists_the_loopback_interface) {
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  bool lo = false;
  for (const json::value &i : t.at("network").as_array()) {
    const json::object &o = i.as_object();
    if (o.at("interface").as_string() == "lo") lo = true;
    BOOST_TEST(o.at("rx_bytes").is_number());
    BOOST_TEST(o.at("tx_errors").is_number());
  }
  BOOST_TEST(lo);
}

BOOST_AUTO_TEST_CASE(pressure_is_present_exactly_when_the_kernel_has_it) {
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  const bool kernel_has_psi = ::access("/proc/pressure/memory", R_OK) == 0;
  BOOST_TEST(t.contains("pressure") == kernel_has_psi);
  if (kernel_has_psi) {
    const json::object &mem = section(section(t, "pressure"), "memory");
    BOOST_TEST(mem.at("some_avg10").is_number());
    BOOST_TEST(mem.at("full_avg10").is_number());
    BOOST_TEST(mem.at("some_total_us").is_number());
  }
}

BOOST_AUTO_TEST_CASE(gpus_are_an_empty_list_without_nvml) {
  snap::TelemetrySampler sampler;
  const json::object t = sampler.capture();
  BOOST_TEST_REQUIRE(t.at("gpus").is_array());
  if (snap::nvml_status() == "absent") BOOST_TEST(t.at("gpus").as_array().empty());
}

BOOST_AUTO_TEST_CASE(switched_off_sections_are_absent_and_the_cost_is_recorded) {
  snap::TelemetrySampler sampler;
  snap::TelemetryOptions options;
  options.cpu = options.pressure = options.disks = options.network = options.ports = options.gpus =
      false;
  const double before =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const json::object t = sampler.capture(options);
  BOOST_TEST(t.contains("memory"));
  BOOST_TEST(t.contains("host"));
  for (const char *absent : {"cpu", "pressure", "disks", "network", "ports", "gpus"})
    BOOST_TEST(!t.contains(absent), absent);
  const json::object &capture = section(t, "capture");
  BOOST_TEST(num(capture.at("cost_us")) >= 0);
  BOOST_TEST(num(capture.at("ts")) >= before - 1);
}

BOOST_AUTO_TEST_CASE(capturing_spawns_no_process_and_no_thread) {
  struct sigaction sa {
  }, old{};
  sa.sa_handler = on_sigchld;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGCHLD, &sa, &old);
  sigchld_count = 0;
  const std::size_t threads_before = count_dir("/proc/self/task");
  snap::TelemetrySampler sampler;
  for (int i = 0; i < 3; ++i) sampler.capture();
  BOOST_TEST(count_dir("/proc/self/task") == threads_before);
  // A child that ran and exited would have sent SIGCHLD; one still running would be waitable.
  BOOST_TEST(sigchld_count.load() == 0);
  errno = 0;
  BOOST_TEST(::waitpid(-1, nullptr, WNOHANG) == -1);
  BOOST_TEST(errno == ECHILD);
  ::sigaction(SIGCHLD, &old, nullptr);
}

BOOST_AUTO_TEST_CASE(concurrent_captures_on_one_sampler_are_safe) {
  snap::TelemetrySampler sampler;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j)
        if (sampler.capture().contains("capture")) ++ok;
    });
  for (auto &t : threads) t.join();
  BOOST_TEST(ok.load() == 40);
}

BOOST_AUTO_TEST_CASE(guard_pressure_matches_the_sources) {
  TempDir home;
  const snap::SystemPressure p = snap::read_pressure(home.path());
  const double total = static_cast<double>(meminfo_bytes("MemTotal"));
  const double available = static_cast<double>(meminfo_bytes("MemAvailable"));
  BOOST_TEST(std::fabs(p.mem_available_pct - 100.0 * available / total) < 5.0);
  std::istringstream load(slurp("/proc/loadavg"));
  double l1 = 0;
  load >> l1;
  BOOST_TEST(std::fabs(p.load_per_cpu * static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN)) - l1) <
             1.0);
  const bool psi = ::access("/proc/pressure/memory", R_OK) == 0;
  BOOST_TEST((p.psi_memory_some_avg10 >= 0) == psi);
  BOOST_TEST((p.psi_cpu_some_avg10 >= 0) == psi);
  BOOST_TEST((p.psi_io_some_avg10 >= 0) == psi);
  struct statvfs vfs {};
  ::statvfs(home.path().c_str(), &vfs);
  const double used = static_cast<double>(vfs.f_blocks - vfs.f_bfree);
  const double expected_free = 100.0 - 100.0 * used / (used + static_cast<double>(vfs.f_bavail));
  BOOST_TEST(std::fabs(p.home_free_pct - expected_free) < 1.0);
  // A home not created yet is weighed on the filesystem it will be created on.
  BOOST_TEST(std::fabs(snap::read_pressure(home / "does-not-exist").home_free_pct - expected_free) < 1.0);
  const json::object j = snap::to_json(p);
  BOOST_TEST(std::fabs(num(j.at("home_free_pct")) - p.home_free_pct) <= 0.005);  // two decimals
}
