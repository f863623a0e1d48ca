// `runtimo telemetry` and `runtimo processes` checked field by field against the sources a user
// would trust: /proc read by the test itself, `ps` run in the same test, sysconf, gethostname.
// Real processes (a `sleep` child of the test), a temporary home, the built binary.
#define BOOST_TEST_MODULE observe_cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace runtimo::test;
namespace json = boost::json;

namespace {

// The fields of /proc/<pid>/stat after "(comm)", so fields[0] is field 3 (state) and field N
// of proc(5) is fields[N - 3].
std::vector<std::string> stat_fields(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

// How far the resident size in /proc/<pid>/stat (field 24, what the scan reads) may differ
// from the one in statm and status (what `ps -o rss` shows). The mm's RSS counters are per-CPU
// counters; recent kernels (6.18 here) sum them exactly for statm and status but give stat the
// approximate total, which can be off by up to one batch (32 pages on small machines) per CPU
// for each of the file, anon and shmem counters. An idle `sleep` on the project's 2-CPU VM
// shows ~45 pages (10%) less in stat than in statm.
std::int64_t rss_error_pages() {
  const long cpus = ::sysconf(_SC_NPROCESSORS_CONF);
  return 3 * std::max<long>(32, 2 * cpus) * std::max<long>(cpus, 1) + 4;
}

std::string my_user_name() {
  const passwd *pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : std::to_string(::geteuid());
}

json::object run_json(const Cli &cli, const std::vector<std::string> &args) {
  const Captured c = cli(args);
  BOOST_TEST_INFO("stderr: " << c.err);
  BOOST_REQUIRE_EQUAL(c.exit_code, 0);
  return json::parse(c.out).as_object();
}

const json::object *find_pid(const json::object &result, pid_t pid) {
  for (const auto &p : result.at("processes").as_array())
    if (p.at("pid").to_number<pid_t>() == pid) return &p.as_object();
  return nullptr;
}

std::int64_t int_at(const json::object &o, const char *key) {
  return o.at(key).to_number<std::int64_t>();
}

// Where `word` ends in `line` (one past its last character); npos when absent.
std::size_t end_of(const std::string &line, const std::string &word) {
  const std::size_t at = line.find(word);
  return at == std::string::npos ? at : at + word.size();
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(processes_json_describes_a_sleep_child_as_proc_does) {
  Cli cli;
  Sleeper sleeper;
  const json::object result = run_json(cli, {"processes", "--json"});
  const json::object *p = find_pid(result, sleeper.pid());
  BOOST_REQUIRE(p != nullptr);
  const auto fields = stat_fields(sleeper.pid());
  BOOST_TEST(int_at(*p, "ppid") == ::getpid());
  BOOST_TEST(int_at(*p, "uid") == static_cast<std::int64_t>(::geteuid()));
  BOOST_TEST(p->at("user").as_string() == my_user_name());
  BOOST_TEST(p->at("state").as_string() == "S");
  BOOST_TEST(p->at("comm").as_string() == "sleep");
  BOOST_TEST(p->at("cmdline").as_string() == "/bin/sleep 30.25");
  BOOST_TEST(p->at("kernel_thread").as_bool() == false);
  // Start time: field 22 of stat, exactly (with the pid, the process's identity).
  BOOST_TEST(int_at(*p, "start_time_ticks") == std::stoll(fields.at(22 - 3)));
  // Memory: statm's resident pages (an idle sleep does not grow), vsize field 23 of stat.
  std::istringstream statm(read_file("/proc/" + std::to_string(sleeper.pid()) + "/statm"));
  std::int64_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  const std::int64_t page = ::sysconf(_SC_PAGESIZE);
  const std::int64_t rss = int_at(*p, "rss_bytes");
  BOOST_TEST(std::abs(rss - resident_pages * page) <= rss_error_pages() * page,
             rss << " vs statm " << resident_pages * page);
  BOOST_TEST(int_at(*p, "vsize_bytes") == std::stoll(fields.at(23 - 3)));
  // The whole machine is listed, and the result says so.
  const auto &summary = result.at("summary").as_object();
  BOOST_TEST(int_at(summary, "total") ==
             static_cast<std::int64_t>(result.at("processes").as_array().size()));
  BOOST_TEST(int_at(result, "matched") == int_at(result, "returned"));
}

BOOST_AUTO_TEST_CASE(processes_json_agrees_with_ps_on_the_sleep_child) {
  Cli cli;
  Sleeper sleeper;
  const std::string pid = std::to_string(sleeper.pid());
  const json::object result = run_json(cli, {"processes", "--json", "--pid", pid});
  BOOST_REQUIRE_EQUAL(result.at("processes").as_array().size(), 1u);
  const json::object &p = result.at("processes").as_array()[0].as_object();
  const Captured ps =
      run_capture({"/bin/ps", "-o", "ppid=,user:64=,stat=,rss=,vsz=,comm=", "-p", pid});
  BOOST_REQUIRE_EQUAL(ps.exit_code, 0);
  std::istringstream row(ps.out);
  std::int64_t ppid = 0, rss_kib = 0, vsz_kib = 0;
  std::string user, stat, comm;
  row >> ppid >> user >> stat >> rss_kib >> vsz_kib >> comm;
  BOOST_TEST(int_at(p, "ppid") == ppid);
  BOOST_TEST(p.at("user").as_string() == user);
  BOOST_TEST(p.at("state").as_string() == stat.substr(0, 1));
  BOOST_TEST(std::abs(int_at(p, "rss_bytes") - rss_kib * 1024) <=
                 rss_error_pages() * ::sysconf(_SC_PAGESIZE),
             int_at(p, "rss_bytes") << " vs ps " << rss_kib * 1024);
  BOOST_TEST(int_at(p, "vsize_bytes") / 1024 == vsz_kib);
  BOOST_TEST(p.at("comm").as_string() == comm);
  const Captured args = run_capture({"/bin/ps", "-o", "args=", "-p", pid});
  BOOST_TEST(std::string(p.at("cmdline").as_string()) + "\n" == args.out);
}

BOOST_AUTO_TEST_CASE(processes_lists_the_same_pids_as_ps) {
  Cli cli;
  const json::object result = run_json(cli, {"processes", "--json"});
  const Captured ps = run_capture({"/bin/ps", "-e", "-o", "pid="});
  BOOST_REQUIRE_EQUAL(ps.exit_code, 0);
  std::set<std::int64_t> ours, theirs;
  for (const auto &p : result.at("processes").as_array())
    ours.insert(p.at("pid").to_number<std::int64_t>());
  std::istringstream in(ps.out);
  for (std::int64_t pid = 0; in >> pid;) theirs.insert(pid);
  std::vector<std::int64_t> only_ours, only_theirs;
  std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(),
                      std::back_inserter(only_ours));
  std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(),
                      std::back_inserter(only_theirs));
  // Processes that came or went between the two scans (runtimo itself, ps itself, whatever
  // the machine was doing) — a handful, never a systematic gap.
  const std::size_t allowed = std::max<std::size_t>(8, theirs.size() / 20);
  BOOST_TEST(only_ours.size() <= allowed, only_ours.size() << " pids only in runtimo's list");
  BOOST_TEST(only_theirs.size() <= allowed, only_theirs.size() << " pids only in ps's list");
  BOOST_TEST(ours.count(1) == 1u);
}

BOOST_AUTO_TEST_CASE(processes_user_keeps_only_that_users_processes) {
  Cli cli;
  Sleeper sleeper;
  const std::string me = my_user_name();
  for (const std::string &who : {me, std::to_string(::geteuid())}) {
    const json::object result = run_json(cli, {"processes", "--json", "--user", who});
    BOOST_TEST(find_pid(result, sleeper.pid()) != nullptr, who);
    for (const auto &p : result.at("processes").as_array())
      BOOST_TEST(p.at("uid").to_number<std::int64_t>() == static_cast<std::int64_t>(::geteuid()));
    BOOST_TEST(int_at(result, "matched") <= int_at(result.at("summary").as_object(), "total"));
  }
  const json::object nobody = run_json(cli, {"processes", "--json", "--user", "no-such-user-xyz"});
  BOOST_TEST(nobody.at("processes").as_array().empty());
  BOOST_TEST(int_at(nobody, "matched") == 0);
}

BOOST_AUTO_TEST_CASE(processes_top_returns_that_many_sorted_by_cpu) {
  Cli cli;
  const json::object result = run_json(cli, {"processes", "--json", "--top", "3"});
  const auto &list = result.at("processes").as_array();
  BOOST_REQUIRE_EQUAL(list.size(), 3u);
  BOOST_TEST(int_at(result, "returned") == 3);
  BOOST_TEST(int_at(result, "matched") > 3);
  BOOST_TEST(result.at("query").at("sort").as_string() == "cpu");
  for (std::size_t i = 1; i < list.size(); ++i) {
    const auto &a = list[i - 1].as_object(), &b = list[i].as_object();
    const double pa = a.at("cpu_pct").to_number<double>(), pb = b.at("cpu_pct").to_number<double>();
    BOOST_TEST(pa >= pb);
    if (pa == pb) BOOST_TEST(int_at(a, "cpu_time_ticks") >= int_at(b, "cpu_time_ticks"));
  }
  // --sort wins over --top's default order.
  const json::object by_rss = run_json(cli, {"processes", "--json", "--top", "3", "--sort", "rss"});
  const auto &rss = by_rss.at("processes").as_array();
  BOOST_REQUIRE_EQUAL(rss.size(), 3u);
  BOOST_TEST(int_at(rss[0].as_object(), "rss_bytes") >= int_at(rss[1].as_object(), "rss_bytes"));
  BOOST_TEST(int_at(rss[1].as_object(), "rss_bytes") >= int_at(rss[2].as_object(), "rss_bytes"));
}

BOOST_AUTO_TEST_CASE(processes_tree_puts_a_child_one_level_below_its_parent) {
  Cli cli;
  Sleeper sleeper;
  const json::object result = run_json(cli, {"processes", "--json", "--tree"});
  const auto &list = result.at("processes").as_array();
  std::size_t parent_at = list.size(), child_at = list.size();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto pid = list[i].at("pid").to_number<pid_t>();
    if (pid == ::getpid()) parent_at = i;
    if (pid == sleeper.pid()) child_at = i;
  }
  BOOST_REQUIRE(parent_at < list.size());
  BOOST_REQUIRE(child_at < list.size());
  BOOST_TEST(child_at > parent_at);  // depth first: below its parent
  BOOST_TEST(int_at(list[child_at].as_object(), "depth") ==
             int_at(list[parent_at].as_object(), "depth") + 1);
  // Everything between the parent and the child is deeper than the parent (its other subtrees).
  for (std::size_t i = parent_at + 1; i < child_at; ++i)
    BOOST_TEST(int_at(list[i].as_object(), "depth") > int_at(list[parent_at].as_object(), "depth"));

  // The text view indents the child's command under the parent's, like `ps --forest`.
  const Captured text = cli({"processes", "--tree", "--user", std::to_string(::geteuid())});
  BOOST_REQUIRE_EQUAL(text.exit_code, 0);
  const auto lines = lines_of(text.out);
  const std::size_t command_col = lines.at(0).find("COMMAND");
  std::string parent_line, child_line;
  for (const auto &l : lines) {
    std::istringstream row(l);
    pid_t pid = 0;
    row >> pid;
    if (pid == ::getpid()) parent_line = l;
    if (pid == sleeper.pid()) child_line = l;
  }
  BOOST_REQUIRE(!child_line.empty());
  BOOST_TEST(child_line.find("\\_ /bin/sleep 30.25", command_col) != std::string::npos, child_line);
  if (!parent_line.empty()) {
    const std::size_t parent_text = parent_line.find_first_not_of(" \\_", command_col);
    const std::size_t child_text = child_line.find("/bin/sleep", command_col);
    BOOST_TEST(child_text > parent_text);
  }
}

BOOST_AUTO_TEST_CASE(processes_text_is_an_aligned_table) {
  Cli cli;
  Sleeper a, b("30.5");
  const Captured c = cli({"processes", "--ppid", std::to_string(::getpid())});
  BOOST_REQUIRE_EQUAL(c.exit_code, 0);
  const auto lines = lines_of(c.out);
  BOOST_REQUIRE(lines.size() >= 4u);  // header, two sleeps, the summary line
  const std::string &header = lines[0];
  const std::vector<std::string> columns{"PID", "PPID", "USER", "S",     "%CPU",
                                         "RSS", "VSZ",  "TIME", "START", "COMMAND"};
  std::size_t at = 0;
  for (const auto &col : columns) {
    const std::size_t found = header.find(col, at);
    BOOST_TEST(found != std::string::npos, col);
    at = found + col.size();
  }
  const std::size_t pid_end = end_of(header, "PID");
  const std::size_t rss_end = end_of(header, "RSS");
  const std::size_t command_at = header.find("COMMAND");
  std::size_t rows = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string &l = lines[i];
    if (l.find("/bin/sleep") == std::string::npos) continue;
    ++rows;
    // Numbers are right-aligned under their header, the command starts under COMMAND.
    BOOST_TEST(std::isdigit(static_cast<unsigned char>(l.at(pid_end - 1))), l);
    BOOST_TEST((pid_end == l.size() || l.at(pid_end) == ' '), l);
    BOOST_TEST((l.compare(rss_end - 3, 3, "KiB") == 0 || l.compare(rss_end - 3, 3, "MiB") == 0), l);
    BOOST_TEST(l.compare(command_at, 10, "/bin/sleep") == 0, l);
    // The first scan of a runtime has no interval: %CPU is unknown, shown as "-".
    const std::size_t cpu_end = end_of(header, "%CPU");
    BOOST_TEST(l.at(cpu_end - 1) == '-', l);
  }
  BOOST_TEST(rows == 2u);  // (the third child listed is the runtimo command itself)
  BOOST_TEST(lines.back().find(" shown, ") != std::string::npos, lines.back());
}

BOOST_AUTO_TEST_CASE(processes_interval_measures_cpu) {
  Cli cli;
  Sleeper sleeper;
  const json::object result = run_json(
      cli, {"processes", "--json", "--pid", std::to_string(sleeper.pid()), "--interval", "300"});
  BOOST_TEST(result.at("interval_ms").to_number<double>() >= 250.0);
  const json::object *p = find_pid(result, sleeper.pid());
  BOOST_REQUIRE(p != nullptr);
  const double cpu = p->at("cpu_pct").to_number<double>();
  BOOST_TEST(cpu >= 0.0);
  BOOST_TEST(cpu < 5.0);  // a sleep does nothing
}

BOOST_AUTO_TEST_CASE(processes_bad_values_are_usage_errors_that_say_what_is_allowed) {
  Cli cli;
  const Captured sort = cli({"processes", "--sort", "memory"});
  BOOST_TEST(sort.exit_code == 2);
  for (const char *allowed : {"pid", "cpu", "rss", "start"})
    BOOST_TEST(sort.err.find(allowed) != std::string::npos, sort.err);
  BOOST_TEST(sort.out.empty());
  const Captured top = cli({"processes", "--top", "0"});
  BOOST_TEST(top.exit_code == 2);
  BOOST_TEST(top.err.find("--top") != std::string::npos, top.err);
  BOOST_TEST(cli({"processes", "--top", "many"}).exit_code == 2);
  BOOST_TEST(cli({"processes", "--pid", "0", "--json"}).exit_code == 2);
  BOOST_TEST(cli({"processes", "--frobnicate"}).exit_code == 2);
  const Captured section = cli({"telemetry", "--section", "cpus"});
  BOOST_TEST(section.exit_code == 2);
  for (const char *allowed :
       {"host", "cpu", "memory", "pressure", "disks", "network", "ports", "gpus"})
    BOOST_TEST(section.err.find(allowed) != std::string::npos, section.err);
}

BOOST_AUTO_TEST_CASE(telemetry_json_agrees_with_proc_sysconf_and_gethostname) {
  Cli cli;
  const auto uptime = [] { return std::stod(read_file("/proc/uptime")); };
  const double up_before = uptime();
  const json::object t = run_json(cli, {"telemetry", "--json"});
  const double up_after = uptime();
  for (const char *section :
       {"host", "cpu", "memory", "disks", "network", "ports", "gpus", "capture"})
    BOOST_TEST(t.contains(section), section);

  std::istringstream meminfo(read_file("/proc/meminfo"));
  std::int64_t mem_total_kib = 0;
  for (std::string key; meminfo >> key;) {
    if (key == "MemTotal:") {
      meminfo >> mem_total_kib;
      break;
    }
  }
  BOOST_TEST(int_at(t.at("memory").as_object(), "total_bytes") == mem_total_kib * 1024);
  BOOST_TEST(int_at(t.at("cpu").as_object(), "count") == ::sysconf(_SC_NPROCESSORS_ONLN));
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  BOOST_TEST(t.at("host").at("hostname").as_string() == host);
  const double up = t.at("host").at("uptime_s").to_number<double>();
  BOOST_TEST(up >= up_before - 0.05);
  BOOST_TEST(up <= up_after + 0.05);
  // "/" is always among the disks.
  bool root = false;
  for (const auto &d : t.at("disks").as_array())
    root = root || d.at("mount_point").as_string() == "/";
  BOOST_TEST(root);
}

BOOST_AUTO_TEST_CASE(telemetry_section_returns_only_that_section) {
  Cli cli;
  const json::object memory = run_json(cli, {"telemetry", "--json", "--section", "memory"});
  std::set<std::string> keys;
  for (const auto &kv : memory) keys.insert(std::string(kv.key()));
  BOOST_TEST((keys == std::set<std::string>{"memory", "capture"}));
  const json::object two =
      run_json(cli, {"telemetry", "--json", "--section", "cpu", "--section", "host"});
  keys.clear();
  for (const auto &kv : two) keys.insert(std::string(kv.key()));
  BOOST_TEST((keys == std::set<std::string>{"cpu", "host", "capture"}));
}

BOOST_AUTO_TEST_CASE(telemetry_text_is_a_summary_with_aligned_tables) {
  Cli cli;
  const Captured c = cli({"telemetry"});
  BOOST_REQUIRE_EQUAL(c.exit_code, 0);
  const auto lines = lines_of(c.out);
  for (const char *start : {"host", "cpu", "memory"}) {
    const bool found = std::any_of(lines.begin(), lines.end(),
                                   [&](const std::string &l) { return l.rfind(start, 0) == 0; });
    BOOST_TEST(found, start);
  }
  // The disks table: a header, then rows whose right-aligned sizes end under ">SIZE".
  std::size_t header_at = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("MOUNT", 0) == 0) header_at = i;
  BOOST_REQUIRE(header_at < lines.size());
  const std::size_t size_end = end_of(lines[header_at], "SIZE");
  const std::size_t used_end = end_of(lines[header_at], "USED");
  std::size_t rows = 0;
  for (std::size_t i = header_at + 1; i < lines.size() && !lines[i].empty(); ++i, ++rows) {
    BOOST_TEST(lines[i].compare(size_end - 2, 2, "iB") == 0, lines[i]);
    BOOST_TEST(lines[i].at(used_end - 1) == '%', lines[i]);
  }
  BOOST_TEST(rows >= 1u);
  BOOST_TEST(c.out.find("INTERFACE") != std::string::npos);
}
