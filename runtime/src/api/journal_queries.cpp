// api/journal_queries.cpp — the embedding API's read side of the journal: events, one job's
// state, recent jobs, verification. Job state is derived from events, never stored elsewhere;
// one job's events are found through the job index (<home>/index), itself derived from the
// journal.
#include <runtimo/runtime.hpp>

#include "exec/runner_lock.hpp"
#include "log/log.hpp"
#include "util/json_members.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"
#include "wal/journal_index.hpp"

#include <boost/json.hpp>

#include <map>

namespace runtimo {
namespace {


// Folds one event into a summary; `runner` keeps the runner job.started names.
void apply(JobSummary &s, const boost::json::object &e, boost::json::object &runner) {
  const std::string type = util::string_member(e, "type");
  if (s.job_id.empty()) {
    s.job_id = util::string_member(e, "job");
    s.started = util::string_member(e, "ts");
    s.state = "running";
  }
  if (const auto cap = util::string_member(e, "capability"); !cap.empty()) s.capability = cap;
  if (type == wal::event::started)
    if (const auto *r = e.if_contains("runner"); r != nullptr && r->is_object()) runner = r->as_object();
  if (!wal::event::ends_job(type)) return;
  s.state = type.substr(4);  // "job.completed" → "completed"
  s.ended = util::string_member(e, "ts");
  if (const auto *d = e.if_contains("duration_ms"); d && d->is_number())
    s.duration_ms = d->to_number<double>();
  s.message = util::string_member(e, "message");
  if (const auto *err = e.if_contains("error"); err && err->is_object())
    if (s.message.empty() || type == wal::event::rejected) s.message = util::string_member(err->as_object(), "message");
  if (s.message.empty()) s.message = util::string_member(e, "reason");
}

// A job the journal shows running whose runner holds no lock can never end by itself: it is
// reported interrupted (the next runner to open the home journals it so).
void judge_liveness(JobSummary &s, const boost::json::object &runner, const std::filesystem::path &home) {
  if (s.state != "running") return;
  const auto *id = runner.if_contains("id");
  const std::string runner_id = id != nullptr && id->is_string() ? std::string(id->as_string()) : "";
  if (exec::runner_alive(home, runner_id, s.job_id)) return;
  s.state = "interrupted";
  s.message = "its runner is gone; the next `runtimo run` journals it as interrupted";
}

// One job's events, oldest first: through the job index, caught up first (opening it does),
// so `status JOB` and `logs --job JOB` cost milliseconds at 10^6 events. The index is only a
// shortcut: when it cannot be used (a read-only home), the journal is read instead.
std::vector<wal::JournalRecord> job_records(const Runtime &runtime, std::string_view job) {
  if (!std::filesystem::is_directory(runtime.journal_dir())) return {};  // no journal yet
  try {
    return wal::JournalIndex::open(runtime.journal_dir(), runtime.home() / "index")->job_events(job);
  } catch (const wal::JournalError &e) {
    log::write(log::Level::warning,
               std::string("job index unusable, reading the whole journal: ") + e.what());
    return wal::tail_journal(runtime.journal_dir(), 0, job);
  }
}

}  // namespace

boost::json::value JobSummary::to_json() const {
  boost::json::object o{{"job_id", job_id},   {"capability", capability}, {"state", state},
                        {"started", started}, {"ended", ended},           {"duration_ms", duration_ms},
                        {"message", message}};
  if (!events.empty()) {
    boost::json::array a;
    for (const auto &e : events) a.push_back(e);
    o["events"] = std::move(a);
  }
  return o;
}

std::vector<boost::json::value> Runtime::events(std::size_t n, std::string_view job) const {
  std::vector<boost::json::value> out;
  auto records = job.empty() ? wal::tail_journal(journal_dir(), n) : job_records(*this, job);
  const std::size_t first = n != 0 && records.size() > n ? records.size() - n : 0;
  for (std::size_t i = first; i < records.size(); ++i) out.emplace_back(std::move(records[i].event));
  return out;
}

std::optional<JobSummary> Runtime::job_status(std::string_view job) const {
  const auto records = job_records(*this, job);
  if (records.empty()) return std::nullopt;
  JobSummary s;
  boost::json::object runner;
  for (const auto &r : records) {
    apply(s, r.event, runner);
    s.events.emplace_back(r.event);
  }
  judge_liveness(s, runner, home());
  return s;
}

std::vector<JobSummary> Runtime::recent_jobs(std::size_t n) const {
  // Enough events to cover n jobs of a few events each.
  const auto records = wal::tail_journal(journal_dir(), n * 8 + 16);
  std::vector<std::string> order;
  std::map<std::string, std::pair<JobSummary, boost::json::object>> jobs;  // summary, runner
  for (const auto &r : records) {
    const std::string id = util::string_member(r.event, "job");
    if (id.empty()) continue;
    auto [it, fresh] = jobs.try_emplace(id);
    if (fresh) order.push_back(id);
    apply(it->second.first, r.event, it->second.second);
  }
  std::vector<JobSummary> out;
  const std::size_t first = order.size() > n ? order.size() - n : 0;
  for (std::size_t i = first; i < order.size(); ++i) {
    auto &[summary, runner] = jobs[order[i]];
    judge_liveness(summary, runner, home());
    out.push_back(std::move(summary));
  }
  return out;
}

JournalCheck Runtime::verify_journal() const {
  const auto report = wal::verify_journal(journal_dir());
  return JournalCheck{report.ok(), report.to_json()};
}

}  // namespace runtimo
