// snapshot/process_summary.cpp — the JSON of a process snapshot, its summary, and the delta
// between two snapshots.
#include "snapshot/process_snapshot.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <map>

namespace runtimo::snapshot {
namespace {

namespace json = boost::json;

constexpr std::size_t kTop = 5;

double cpu_seconds(const ProcessInfo &p) {
  static const long clk_tck = ::sysconf(_SC_CLK_TCK);
  return static_cast<double>(p.cpu_time_ticks) / static_cast<double>(clk_tck > 0 ? clk_tck : 100);
}

// The first n of `processes` by `before` (a strict weak order), without sorting them all.
template <class Less>
std::vector<const ProcessInfo *> top(const std::vector<ProcessInfo> &processes, std::size_t n,
                                     Less before) {
  std::vector<const ProcessInfo *> all;
  all.reserve(processes.size());
  for (const ProcessInfo &p : processes) all.push_back(&p);
  n = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [&](const ProcessInfo *a, const ProcessInfo *b) { return before(*a, *b); });
  all.resize(n);
  return all;
}

json::array brief_list(const std::vector<ProcessInfo> &processes, std::size_t max_listed) {
  json::array out;
  for (std::size_t i = 0; i < processes.size() && i < max_listed; ++i) {
    const ProcessInfo &p = processes[i];
    json::object o{{"pid", p.pid}};
    if (!p.comm.empty()) {  // a process known by its pid only (a pid census) has no comm
      o["ppid"] = p.ppid;
      o["comm"] = p.comm;
    }
    if (p.state == 'Z') o["zombie"] = true;  // ended, not yet reaped by its parent
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

json::object ProcessSnapshot::summary() const {
  std::map<char, std::int64_t> by_state;
  std::int64_t threads = 0, kernel_threads = 0;
  for (const ProcessInfo &p : processes) {
    ++by_state[p.state];
    threads += p.threads;
    kernel_threads += p.kernel_thread ? 1 : 0;
  }
  json::object states;
  for (const auto &[state, count] : by_state) states[std::string(1, state)] = count;

  json::array top_cpu;
  for (const ProcessInfo *p : top(processes, kTop, [](const ProcessInfo &a, const ProcessInfo &b) {
         if (a.cpu_pct != b.cpu_pct) return a.cpu_pct > b.cpu_pct;
         if (a.cpu_time_ticks != b.cpu_time_ticks) return a.cpu_time_ticks > b.cpu_time_ticks;
         return a.pid < b.pid;
       }))
    top_cpu.push_back(json::object{{"pid", p->pid},
                                   {"comm", p->comm},
                                   {"cpu_pct", p->cpu_pct},
                                   {"cpu_time_s", cpu_seconds(*p)}});
  json::array top_rss;
  for (const ProcessInfo *p : top(processes, kTop, [](const ProcessInfo &a, const ProcessInfo &b) {
         if (a.rss_bytes != b.rss_bytes) return a.rss_bytes > b.rss_bytes;
         return a.pid < b.pid;
       }))
    top_rss.push_back(
        json::object{{"pid", p->pid}, {"comm", p->comm}, {"rss_bytes", p->rss_bytes}});

  const auto zombies = by_state.find('Z');
  return json::object{{"total", processes.size()},
                      {"by_state", std::move(states)},
                      {"zombies", zombies == by_state.end() ? 0 : zombies->second},
                      {"threads", threads},
                      {"kernel_threads", kernel_threads},
                      {"top_cpu", std::move(top_cpu)},
                      {"top_rss", std::move(top_rss)}};
}

json::object ProcessSnapshot::to_json(bool with_processes) const {
  json::object out{
      {"ts", ts}, {"cost_us", cost_us}, {"interval_ms", interval_ms}, {"summary", summary()}};
  if (with_processes) {
    json::array list;
    list.reserve(processes.size());
    for (const ProcessInfo &p : processes) list.push_back(snapshot::to_json(p));
    out["processes"] = std::move(list);
  }
  return out;
}

json::object to_json(const ProcessInfo &p) {
  return json::object{{"pid", p.pid},
                      {"ppid", p.ppid},
                      {"uid", p.uid},
                      {"user", p.user},
                      {"state", std::string(1, p.state)},
                      {"comm", p.comm},
                      {"cmdline", p.cmdline},
                      {"threads", p.threads},
                      {"rss_bytes", p.rss_bytes},
                      {"vsize_bytes", p.vsize_bytes},
                      {"cpu_time_ticks", p.cpu_time_ticks},
                      {"cpu_time_s", cpu_seconds(p)},
                      {"start_time_ticks", p.start_time_ticks},
                      {"start_time_unix", p.start_time_unix},
                      {"cpu_pct", p.cpu_pct},
                      {"kernel_thread", p.kernel_thread}};
}

json::object ProcessDelta::to_json(std::size_t max_listed) const {
  json::object out{{"appeared", brief_list(appeared, max_listed)},
                   {"exited", brief_list(exited, max_listed)},
                   {"appeared_count", appeared.size()},
                   {"exited_count", exited.size()}};
  if (appeared.size() > max_listed || exited.size() > max_listed) out["truncated"] = true;
  return out;
}

ProcessDelta diff(const ProcessSnapshot &before, const ProcessSnapshot &after) {
  // Both lists are sorted by pid: one merge walk.
  ProcessDelta delta;
  auto b = before.processes.begin();
  auto a = after.processes.begin();
  while (b != before.processes.end() || a != after.processes.end()) {
    if (a == after.processes.end() || (b != before.processes.end() && b->pid < a->pid)) {
      delta.exited.push_back(*b++);
    } else if (b == before.processes.end() || a->pid < b->pid) {
      delta.appeared.push_back(*a++);
    } else {
      if (a->start_time_ticks != b->start_time_ticks) {  // the pid was reused
        delta.exited.push_back(*b);
        delta.appeared.push_back(*a);
      } else if (a->state == 'Z' && b->state != 'Z') {  // ended; its parent has not reaped it
        delta.exited.push_back(*a);
      }
      ++a;
      ++b;
    }
  }
  return delta;
}

}  // namespace runtimo::snapshot
