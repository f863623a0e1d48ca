// snapshot_process_query.cpp — the process query (snapshot/process_query.hpp) as a
// specification: filters, sorts, limit, tree order with depths, the normalised query, every
// malformed-query message, on a snapshot built by hand; and one query on a real capture.
#define BOOST_TEST_MODULE snapshot_process_query
#include <boost/test/unit_test.hpp>

#include "snapshot/process_query.hpp"
#include "snapshot/process_snapshot.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace json = boost::json;
namespace snap = runtimo::snapshot;

namespace {

constexpr std::uint64_t kMiB = 1u << 20;

snap::ProcessInfo process(std::int64_t pid, std::int64_t ppid, std::uint32_t uid, std::string user,
                          std::string comm, std::string cmdline, std::uint64_t rss_mib,
                          std::uint64_t cpu_ticks, std::uint64_t start_ticks, double cpu_pct) {
  snap::ProcessInfo p;
  p.pid = pid;
  p.ppid = ppid;
  p.uid = uid;
  p.user = std::move(user);
  p.comm = std::move(comm);
  p.cmdline = std::move(cmdline);
  p.state = 'S';
  p.threads = 1;
  p.rss_bytes = rss_mib * kMiB;
  p.cpu_time_ticks = cpu_ticks;
  p.start_time_ticks = start_ticks;
  p.cpu_pct = cpu_pct;
  return p;
}

// A small machine: init; alice's shell with a busy python and a sleep; bob's nginx master and
// worker; and alice's backup job whose parent (4242) is not in the snapshot.
snap::ProcessSnapshot machine() {
  snap::ProcessSnapshot s;
  s.ts = 1795836653.25;
  s.interval_ms = 1000;
  // process(pid, ppid, uid, user, comm, cmdline, RSS MiB, CPU ticks, start ticks, CPU %)
  s.processes = {
      process(1, 0, 0, "root", "systemd", "/sbin/init", 12, 300, 5, 0.5),
      process(100, 1, 1000, "alice", "bash", "-bash", 5, 20, 1000, 0),
      process(200, 100, 1000, "alice", "python3", "python3 train.py --epochs 10", 900, 5000, 2000,
              95),
      process(201, 100, 1000, "alice", "sleep", "sleep 30", 1, 0, 2100, 0),
      process(300, 1, 1001, "bob", "nginx", "nginx: master process", 20, 100, 500, 2.5),
      process(301, 300, 1001, "bob", "nginx", "nginx: worker process", 30, 400, 600, 10),
      process(500, 4242, 1000, "alice", "backup.sh", "/bin/sh /usr/bin/backup.sh", 3, 50, 3000, 1)};
  return s;
}

json::object run(const snap::ProcessSnapshot &s, const json::object &query) {
  return snap::query_result(s, snap::parse_process_query(query));
}
json::object run(const json::object &query) {
  return run(machine(), query);
}

std::vector<std::int64_t> pids(const json::object &result) {
  std::vector<std::int64_t> out;
  for (const auto &p : result.at("processes").as_array())
    out.push_back(p.at("pid").to_number<std::int64_t>());
  return out;
}

// "pid:depth pid:depth …" of a tree result, in order.
std::string tree(const json::object &result) {
  std::string out;
  for (const auto &p : result.at("processes").as_array())
    out += (out.empty() ? "" : " ") + json::serialize(p.at("pid")) + ":" +
           json::serialize(p.at("depth"));
  return out;
}

using Pids = std::vector<std::int64_t>;

// The message of the QueryError the query text raises, or "(accepted)".
std::string error_of(const char *query_text) {
  try {
    snap::parse_process_query(json::parse(query_text).as_object());
    return "(accepted)";
  } catch (const snap::QueryError &e) {
    return e.what();
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_empty_query_returns_every_process_by_pid_without_depth) {
  const json::object r = run({});
  BOOST_TEST(pids(r) == (Pids{1, 100, 200, 201, 300, 301, 500}), boost::test_tools::per_element());
  BOOST_TEST(r.at("matched").to_number<int>() == 7);
  BOOST_TEST(r.at("returned").to_number<int>() == 7);
  BOOST_TEST(r.at("summary").at("total").to_number<int>() == 7);
  BOOST_TEST(r.at("ts").to_number<double>() == 1795836653.25);
  BOOST_TEST(r.at("interval_ms").to_number<double>() == 1000);
  BOOST_TEST(!r.at("processes").as_array()[0].as_object().contains("depth"));
  BOOST_TEST(json::serialize(r.at("query")) == R"({"sort":"pid","tree":false,"cmdline":true})");
}

BOOST_AUTO_TEST_CASE(each_entry_is_the_snapshot_json_of_the_process) {
  const snap::ProcessSnapshot s = machine();
  const json::object r = run(s, {{"pid", 200}});
  BOOST_TEST(json::serialize(r.at("processes").as_array().at(0)) ==
             json::serialize(snap::to_json(s.processes[2])));
}

BOOST_AUTO_TEST_CASE(pid_selects_one_process_and_an_absent_pid_matches_none) {
  BOOST_TEST(pids(run({{"pid", 200}})) == (Pids{200}), boost::test_tools::per_element());
  const json::object none = run({{"pid", 999}});
  BOOST_TEST(none.at("matched").to_number<int>() == 0);
  BOOST_TEST(none.at("returned").to_number<int>() == 0);
  BOOST_TEST(none.at("processes").as_array().empty());
  BOOST_TEST(none.at("summary").at("total").to_number<int>() == 7);
}

BOOST_AUTO_TEST_CASE(ppid_selects_the_children_of_a_process) {
  BOOST_TEST(pids(run({{"ppid", 100}})) == (Pids{200, 201}), boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"ppid", 0}})) == (Pids{1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(user_matches_the_user_name_or_the_uid_given_as_digits) {
  BOOST_TEST(pids(run({{"user", "bob"}})) == (Pids{300, 301}), boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"user", "1001"}})) == (Pids{300, 301}), boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"user", "0"}})) == (Pids{1}), boost::test_tools::per_element());
  BOOST_TEST(run({{"user", "carol"}}).at("matched").to_number<int>() == 0);
  BOOST_TEST(run({{"user", "100"}}).at("matched").to_number<int>() == 0);  // not a uid prefix
}

BOOST_AUTO_TEST_CASE(name_is_a_case_sensitive_substring_of_comm_or_cmdline) {
  BOOST_TEST(pids(run({{"name", "nginx"}})) == (Pids{300, 301}), boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"name", "ngin"}})) == (Pids{300, 301}), boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"name", "train.py"}})) == (Pids{200}), boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"name", "worker"}})) == (Pids{301}), boost::test_tools::per_element());
  BOOST_TEST(run({{"name", "NGINX"}}).at("matched").to_number<int>() == 0);
}

BOOST_AUTO_TEST_CASE(filters_combine_as_and) {
  BOOST_TEST(pids(run({{"user", "alice"}, {"name", "sleep"}})) == (Pids{201}),
             boost::test_tools::per_element());
  BOOST_TEST(pids(run({{"user", "alice"}, {"ppid", 100}, {"name", "python"}})) == (Pids{200}),
             boost::test_tools::per_element());
  BOOST_TEST(run({{"user", "bob"}, {"pid", 200}}).at("matched").to_number<int>() == 0);
}

BOOST_AUTO_TEST_CASE(cmdline_false_drops_the_member_but_name_still_matches_it) {
  const json::object r = run({{"name", "train.py"}, {"cmdline", false}});
  BOOST_TEST(pids(r) == (Pids{200}), boost::test_tools::per_element());
  BOOST_TEST(!r.at("processes").as_array()[0].as_object().contains("cmdline"));
  BOOST_TEST(r.at("processes").as_array()[0].at("comm").as_string() == "python3");
}

BOOST_AUTO_TEST_CASE(sort_cpu_is_highest_first_with_cpu_time_breaking_ties) {
  // 100 and 201 both have 0 %: 100 has used more CPU time.
  BOOST_TEST(pids(run({{"sort", "cpu"}})) == (Pids{200, 301, 300, 500, 1, 100, 201}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sort_cpu_on_a_first_capture_orders_by_cpu_time) {
  snap::ProcessSnapshot s = machine();
  for (auto &p : s.processes) p.cpu_pct = -1;  // no previous capture: no interval
  BOOST_TEST(pids(run(s, {{"sort", "cpu"}})) == (Pids{200, 301, 1, 300, 500, 100, 201}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sort_rss_is_largest_first) {
  BOOST_TEST(pids(run({{"sort", "rss"}})) == (Pids{200, 301, 300, 1, 100, 500, 201}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sort_start_is_oldest_first) {
  BOOST_TEST(pids(run({{"sort", "start"}})) == (Pids{1, 300, 301, 100, 200, 201, 500}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sort_pid_is_the_default_and_ascending) {
  BOOST_TEST(pids(run({{"sort", "pid"}})) == pids(run({})), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(equal_keys_fall_back_to_pid_order) {
  snap::ProcessSnapshot s = machine();
  for (auto &p : s.processes) p.rss_bytes = 4096;
  BOOST_TEST(pids(run(s, {{"sort", "rss"}})) == (Pids{1, 100, 200, 201, 300, 301, 500}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(limit_keeps_the_first_after_sorting_and_matched_counts_all) {
  const json::object r = run({{"sort", "rss"}, {"limit", 2}});
  BOOST_TEST(pids(r) == (Pids{200, 301}), boost::test_tools::per_element());
  BOOST_TEST(r.at("matched").to_number<int>() == 7);
  BOOST_TEST(r.at("returned").to_number<int>() == 2);
  BOOST_TEST(r.at("summary").at("total").to_number<int>() == 7);

  const json::object filtered = run({{"user", "alice"}, {"sort", "cpu"}, {"limit", 1}});
  BOOST_TEST(pids(filtered) == (Pids{200}), boost::test_tools::per_element());
  BOOST_TEST(filtered.at("matched").to_number<int>() == 4);
  BOOST_TEST(filtered.at("returned").to_number<int>() == 1);

  const json::object wide = run({{"user", "bob"}, {"limit", 100000}});
  BOOST_TEST(wide.at("matched").to_number<int>() == 2);
  BOOST_TEST(wide.at("returned").to_number<int>() == 2);
}

BOOST_AUTO_TEST_CASE(tree_is_depth_first_from_the_roots_with_depths) {
  const json::object r = run({{"tree", true}});
  // 500's parent (4242) is not in the snapshot: it is a root of its own.
  BOOST_TEST(tree(r) == "1:0 100:1 200:2 201:2 300:1 301:2 500:0");
  BOOST_TEST(r.at("matched").to_number<int>() == 7);
  BOOST_TEST(r.at("query").at("tree").as_bool());
}

BOOST_AUTO_TEST_CASE(tree_orders_roots_and_siblings_by_the_requested_sort) {
  // Roots: 500 (1 %) before 1 (0.5 %); under 1: 300 (2.5 %) before 100 (0 %); under 100:
  // 200 (95 %) before 201 (0 %).
  BOOST_TEST(tree(run({{"tree", true}, {"sort", "cpu"}})) ==
             "500:0 1:0 300:1 301:2 100:1 200:2 201:2");
  BOOST_TEST(tree(run({{"tree", true}, {"sort", "start"}})) ==
             "1:0 300:1 301:2 100:1 200:2 201:2 500:0");
}

BOOST_AUTO_TEST_CASE(tree_of_a_filtered_set_makes_processes_with_unmatched_parents_roots) {
  // alice's processes: 100's parent (1, root) is not matched, so 100 is a root at depth 0.
  BOOST_TEST(tree(run({{"tree", true}, {"user", "alice"}})) == "100:0 200:1 201:1 500:0");
  BOOST_TEST(tree(run({{"tree", true}, {"name", "nginx"}})) == "300:0 301:1");
  BOOST_TEST(tree(run({{"tree", true}, {"ppid", 100}})) == "200:0 201:0");
}

BOOST_AUTO_TEST_CASE(tree_with_limit_keeps_the_first_entries_of_the_tree_order) {
  const json::object r = run({{"tree", true}, {"limit", 3}});
  BOOST_TEST(tree(r) == "1:0 100:1 200:2");
  BOOST_TEST(r.at("matched").to_number<int>() == 7);
  BOOST_TEST(r.at("returned").to_number<int>() == 3);
}

BOOST_AUTO_TEST_CASE(tree_lists_every_process_once_even_when_parents_form_a_cycle) {
  // A pid reused during a non-atomic scan can make two processes each other's parent; a
  // process that names itself as parent is a root.
  snap::ProcessSnapshot s;
  s.processes = {process(10, 11, 0, "root", "a", "a", 1, 0, 10, 0),
                 process(11, 10, 0, "root", "b", "b", 1, 0, 11, 0),
                 process(12, 11, 0, "root", "c", "c", 1, 0, 12, 0),
                 process(20, 20, 0, "root", "self", "self", 1, 0, 20, 0)};
  const json::object r = run(s, {{"tree", true}});
  BOOST_TEST(tree(r) == "20:0 10:0 11:1 12:2");
  BOOST_TEST(r.at("returned").to_number<int>() == 4);
}

BOOST_AUTO_TEST_CASE(the_normalised_query_is_echoed_and_parses_back_to_itself) {
  const json::object q{{"pid", 200},    {"ppid", 100}, {"user", "alice"}, {"name", "py"},
                       {"sort", "rss"}, {"limit", 5},  {"tree", true},    {"cmdline", false}};
  const json::object echoed = run(q).at("query").as_object();
  BOOST_TEST(json::serialize(echoed) ==
             R"({"pid":200,"ppid":100,"user":"alice","name":"py","sort":"rss","limit":5,)"
             R"("tree":true,"cmdline":false})");
  BOOST_TEST(json::serialize(snap::parse_process_query(echoed).to_json()) ==
             json::serialize(echoed));
}

BOOST_AUTO_TEST_CASE(the_bounds_themselves_are_accepted) {
  BOOST_TEST(error_of(R"({"pid":1})") == "(accepted)");
  BOOST_TEST(error_of(R"({"pid":2147483647})") == "(accepted)");
  BOOST_TEST(error_of(R"({"ppid":0})") == "(accepted)");
  BOOST_TEST(error_of(R"({"limit":1})") == "(accepted)");
  BOOST_TEST(error_of(R"({"limit":100000})") == "(accepted)");
  BOOST_TEST(error_of(R"({"user":"1000","name":"x","tree":false,"cmdline":true})") == "(accepted)");
}

BOOST_AUTO_TEST_CASE(a_bad_sort_names_the_allowed_values_and_the_value_given) {
  const std::string allowed = R"("sort" must be one of "pid", "cpu", "rss", "start", not )";
  BOOST_TEST(error_of(R"({"sort":"memory"})") == allowed + R"("memory")");
  BOOST_TEST(error_of(R"({"sort":"CPU"})") == allowed + R"("CPU")");
  BOOST_TEST(error_of(R"({"sort":3})") == allowed + "3");
  BOOST_TEST(error_of(R"({"sort":null})") == allowed + "null");
}

BOOST_AUTO_TEST_CASE(pid_must_be_a_positive_int32) {
  const std::string range = R"("pid" must be between 1 and 2147483647, not )";
  BOOST_TEST(error_of(R"({"pid":0})") == range + "0");
  BOOST_TEST(error_of(R"({"pid":-5})") == range + "-5");
  BOOST_TEST(error_of(R"({"pid":2147483648})") == range + "2147483648");
  BOOST_TEST(error_of(R"({"pid":18446744073709551615})") == range + "18446744073709551615");
  BOOST_TEST(error_of(R"({"pid":"12"})") == R"("pid" must be an integer, not "12")");
  BOOST_TEST(error_of(R"({"pid":true})") == R"("pid" must be an integer, not true)");
  BOOST_TEST(error_of(R"({"pid":1.5})").rfind(R"("pid" must be an integer, not )", 0) == 0);
}

BOOST_AUTO_TEST_CASE(ppid_may_be_zero_but_not_negative) {
  BOOST_TEST(error_of(R"({"ppid":-1})") == R"("ppid" must be between 0 and 2147483647, not -1)");
  BOOST_TEST(error_of(R"({"ppid":[1]})") == R"("ppid" must be an integer, not [1])");
}

BOOST_AUTO_TEST_CASE(limit_must_be_between_1_and_100000) {
  const std::string range = R"("limit" must be between 1 and 100000, not )";
  BOOST_TEST(error_of(R"({"limit":0})") == range + "0");
  BOOST_TEST(error_of(R"({"limit":-1})") == range + "-1");
  BOOST_TEST(error_of(R"({"limit":100001})") == range + "100001");
  BOOST_TEST(error_of(R"({"limit":"10"})") == R"("limit" must be an integer, not "10")");
}

BOOST_AUTO_TEST_CASE(user_and_name_must_be_non_empty_strings) {
  BOOST_TEST(error_of(R"({"user":""})") == R"("user" must be a non-empty string, not "")");
  BOOST_TEST(error_of(R"({"user":1000})") == R"("user" must be a non-empty string, not 1000)");
  BOOST_TEST(error_of(R"({"name":null})") == R"("name" must be a non-empty string, not null)");
  BOOST_TEST(error_of(R"({"name":["a"]})") == R"("name" must be a non-empty string, not ["a"])");
}

BOOST_AUTO_TEST_CASE(tree_and_cmdline_must_be_booleans) {
  BOOST_TEST(error_of(R"({"tree":"yes"})") == R"("tree" must be true or false, not "yes")");
  BOOST_TEST(error_of(R"({"cmdline":1})") == R"("cmdline" must be true or false, not 1)");
}

BOOST_AUTO_TEST_CASE(an_unknown_member_is_named_with_the_list_of_members) {
  const std::string members = "; the members are pid, ppid, user, name, sort, limit, tree, cmdline";
  BOOST_TEST(error_of(R"({"memory":true})") == R"(unknown query member "memory")" + members);
  BOOST_TEST(error_of(R"({"pid":1,"Pid":1})") == R"(unknown query member "Pid")" + members);
}

BOOST_AUTO_TEST_CASE(a_query_error_is_an_invalid_argument) {
  // The host turns std::invalid_argument into RT_INVALID_ARGS.
  BOOST_CHECK_THROW(snap::parse_process_query({{"limit", 0}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_real_capture_finds_this_process_by_pid) {
  snap::ProcessSampler sampler;
  const snap::ProcessSnapshot s = sampler.capture();
  const json::object r = run(s, {{"pid", ::getpid()}});
  BOOST_TEST(r.at("matched").to_number<int>() == 1);
  BOOST_TEST(r.at("returned").to_number<int>() == 1);
  const json::object &me = r.at("processes").as_array().at(0).as_object();
  BOOST_TEST(me.at("pid").to_number<std::int64_t>() == ::getpid());
  BOOST_TEST(me.at("ppid").to_number<std::int64_t>() == ::getppid());
  BOOST_TEST(me.at("uid").to_number<std::uint32_t>() == ::geteuid());
  BOOST_TEST(r.at("summary").at("total").to_number<std::size_t>() == s.processes.size());
  BOOST_TEST(s.processes.size() > 1u);
}
