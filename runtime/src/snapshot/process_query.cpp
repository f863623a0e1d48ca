// snapshot/process_query.cpp — parsing a process query and applying it to a snapshot.
#include "snapshot/process_query.hpp"

#include <runtimo/sdk.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace runtimo::snapshot {
namespace {

namespace json = boost::json;
using Sort = ProcessQuery::Sort;

constexpr std::size_t kMaxLimit = 100000;

const char *sort_name(Sort s) {
  switch (s) {
    case Sort::cpu:
      return "cpu";
    case Sort::rss:
      return "rss";
    case Sort::start:
      return "start";
    case Sort::pid:
      break;
  }
  return "pid";
}

// The SDK's integer reader, so a query reads integers exactly as capability arguments do.
std::int64_t integer_member(const json::object &query, const std::string &key, std::int64_t min,
                            std::int64_t max) {
  try {
    return *sdk::integer_arg(query, key, min, max);
  } catch (const sdk::Error &e) {
    throw QueryError(e.message());
  }
}

std::string string_member(const json::value &v, const std::string &key) {
  if (!v.is_string() || v.as_string().empty())
    throw QueryError("\"" + key + "\" must be a non-empty string, not " + json::serialize(v));
  return std::string(v.as_string());
}

bool bool_member(const json::value &v, const std::string &key) {
  if (!v.is_bool())
    throw QueryError("\"" + key + "\" must be true or false, not " + json::serialize(v));
  return v.as_bool();
}

Sort sort_member(const json::value &v) {
  for (const Sort s : {Sort::pid, Sort::cpu, Sort::rss, Sort::start})
    if (v.is_string() && v.as_string() == sort_name(s)) return s;
  // serialize() quotes a string and leaves any other value as it was written.
  throw QueryError("\"sort\" must be one of \"pid\", \"cpu\", \"rss\", \"start\", not " +
                   json::serialize(v));
}

bool all_digits(const std::string &s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool matches(const ProcessInfo &p, const ProcessQuery &q) {
  if (q.pid && p.pid != *q.pid) return false;
  if (q.ppid && p.ppid != *q.ppid) return false;
  if (q.user) {
    const bool by_uid = all_digits(*q.user) && std::to_string(p.uid) == *q.user;
    if (!by_uid && p.user != *q.user) return false;
  }
  if (q.name && p.comm.find(*q.name) == std::string::npos &&
      p.cmdline.find(*q.name) == std::string::npos)
    return false;
  return true;
}

// The order asked for, always total (pid last).
bool before(const ProcessInfo &a, const ProcessInfo &b, Sort sort) {
  switch (sort) {
    case Sort::cpu:
      if (a.cpu_pct != b.cpu_pct) return a.cpu_pct > b.cpu_pct;
      if (a.cpu_time_ticks != b.cpu_time_ticks) return a.cpu_time_ticks > b.cpu_time_ticks;
      break;
    case Sort::rss:
      if (a.rss_bytes != b.rss_bytes) return a.rss_bytes > b.rss_bytes;
      break;
    case Sort::start:
      if (a.start_time_ticks != b.start_time_ticks) return a.start_time_ticks < b.start_time_ticks;
      break;
    case Sort::pid:
      break;
  }
  return a.pid < b.pid;
}

using Ordered = std::vector<std::pair<const ProcessInfo *, int>>;

// Depth-first order of `matched` (already sorted) with each entry's depth. A root is a process
// whose parent is not among the matches. The scan is not atomic, so a pid reused during it can
// make two entries each other's parent; such a cycle has no root and its first member in sort
// order becomes one, so every match is listed exactly once.
Ordered tree_order(const std::vector<const ProcessInfo *> &matched) {
  std::set<std::int64_t> present;
  for (const ProcessInfo *p : matched) present.insert(p->pid);
  std::map<std::int64_t, std::vector<const ProcessInfo *>> children;
  std::vector<const ProcessInfo *> roots;
  for (const ProcessInfo *p : matched) {
    if (p->ppid != p->pid && present.count(p->ppid) != 0)
      children[p->ppid].push_back(p);
    else
      roots.push_back(p);
  }
  Ordered out;
  out.reserve(matched.size());
  std::set<std::int64_t> listed;
  const auto walk = [&](const ProcessInfo *root) {
    Ordered stack{{root, 0}};
    while (!stack.empty()) {
      const auto [p, depth] = stack.back();
      stack.pop_back();
      if (!listed.insert(p->pid).second) continue;
      out.emplace_back(p, depth);
      const auto kids = children.find(p->pid);
      if (kids == children.end()) continue;
      for (auto it = kids->second.rbegin(); it != kids->second.rend(); ++it)
        stack.emplace_back(*it, depth + 1);
    }
  };
  for (const ProcessInfo *root : roots) walk(root);
  for (const ProcessInfo *p : matched)
    if (listed.count(p->pid) == 0) walk(p);
  return out;
}

}  // namespace

json::object ProcessQuery::to_json() const {
  json::object o;
  if (pid) o["pid"] = *pid;
  if (ppid) o["ppid"] = *ppid;
  if (user) o["user"] = *user;
  if (name) o["name"] = *name;
  o["sort"] = sort_name(sort);
  if (limit) o["limit"] = *limit;
  o["tree"] = tree;
  o["cmdline"] = cmdline;
  return o;
}

ProcessQuery parse_process_query(const json::object &query) {
  ProcessQuery q;
  for (const auto &[key_view, v] : query) {
    const std::string key(key_view);
    if (key == "pid") {
      q.pid = integer_member(query, key, 1, 2147483647);
    } else if (key == "ppid") {
      q.ppid = integer_member(query, key, 0, 2147483647);
    } else if (key == "user") {
      q.user = string_member(v, key);
    } else if (key == "name") {
      q.name = string_member(v, key);
    } else if (key == "sort") {
      q.sort = sort_member(v);
    } else if (key == "limit") {
      q.limit = static_cast<std::size_t>(integer_member(query, key, 1, kMaxLimit));
    } else if (key == "tree") {
      q.tree = bool_member(v, key);
    } else if (key == "cmdline") {
      q.cmdline = bool_member(v, key);
    } else {
      throw QueryError("unknown query member \"" + key +
                       "\"; the members are pid, ppid, user, name, sort, limit, tree, cmdline");
    }
  }
  return q;
}

ProcessQuery parse_process_query_value(const json::value &query) {
  if (query.is_null()) return ProcessQuery{};
  if (!query.is_object())
    throw QueryError(
        "the query must be a JSON object, e.g. {\"name\":\"nginx\",\"sort\":\"cpu\",\"limit\":10}");
  return parse_process_query(query.as_object());
}

json::object query_result(const ProcessSnapshot &snapshot, const ProcessQuery &query) {
  std::vector<const ProcessInfo *> matched;
  for (const ProcessInfo &p : snapshot.processes)
    if (matches(p, query)) matched.push_back(&p);
  std::stable_sort(matched.begin(), matched.end(), [&](const ProcessInfo *a, const ProcessInfo *b) {
    return before(*a, *b, query.sort);
  });

  Ordered ordered;
  if (query.tree) {
    ordered = tree_order(matched);
  } else {
    ordered.reserve(matched.size());
    for (const ProcessInfo *p : matched) ordered.emplace_back(p, 0);
  }
  if (query.limit && ordered.size() > *query.limit) ordered.resize(*query.limit);

  json::array list;
  list.reserve(ordered.size());
  for (const auto &[p, depth] : ordered) {
    json::object o = to_json(*p);
    if (!query.cmdline) o.erase("cmdline");
    if (query.tree) o["depth"] = depth;
    list.push_back(std::move(o));
  }
  return json::object{{"ts", snapshot.ts},
                      {"cost_us", snapshot.cost_us},
                      {"interval_ms", snapshot.interval_ms},
                      {"summary", snapshot.summary()},
                      {"matched", matched.size()},
                      {"returned", list.size()},
                      {"query", query.to_json()},
                      {"processes", std::move(list)}};
}

}  // namespace runtimo::snapshot
