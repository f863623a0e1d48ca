// server/mcp_tasks.cpp — see mcp_tasks.hpp.
#include "server/mcp_tasks.hpp"

#include "wal/line_codec.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace runtimo::server {
namespace {

namespace json = boost::json;

// How often a client should poll tasks/get (the Task's pollInterval).
constexpr std::int64_t kPollIntervalMs = 1000;
constexpr std::string_view kRelatedTask = "io.modelcontextprotocol/related-task";

std::string now() { return wal::detail::format_timestamp(std::chrono::system_clock::now()); }

// The 2025-11-25 statuses: a tool call that returns isError "did not complete successfully".
std::string status_of(std::string_view state) {
  if (state == "completed") return "completed";
  if (state == "cancelled") return "cancelled";
  if (state == "running") return "working";
  return "failed";
}

json::object task_json(std::string_view id, std::string_view status, std::string_view message,
                       std::string_view created, std::string_view updated) {
  json::object o{{"taskId", id},         {"status", status}, {"createdAt", created},
                 {"lastUpdatedAt", updated}, {"ttl", nullptr},   {"pollInterval", kPollIntervalMs}};
  if (!message.empty()) o["statusMessage"] = message;
  return o;
}

void relate(json::object &result, std::string_view id) {
  result["_meta"] = json::object{{kRelatedTask, json::object{{"taskId", id}}}};
}

}  // namespace

json::object task_of_record(const JobSummary &job) {
  return task_json(job.job_id, status_of(job.state), job.message, job.started,
                   job.ended.empty() ? job.started : job.ended);
}

json::object result_of_record(const JobSummary &job) {
  json::value record = job.to_json();
  std::string text = json::serialize(record);
  json::object r{{"content", json::array{json::object{{"type", "text"}, {"text", std::move(text)}}}},
                 {"structuredContent", std::move(record)},
                 {"isError", job.state != "completed"}};
  relate(r, job.job_id);
  return r;
}

json::object TaskTable::to_json(const std::string &id, const Task &t) {
  return task_json(id, t.status, t.status_message, t.created, t.updated);
}

json::object TaskTable::create(const std::string &id, std::shared_ptr<std::atomic<bool>> cancel) {
  std::lock_guard lock(mutex_);
  Task &t = tasks_[id];
  t.created = t.updated = now();
  t.cancel = std::move(cancel);
  order_.push_back(id);
  forget_old();
  return to_json(id, t);
}

TaskTable::Ended TaskTable::finish(const std::string &id, const JobResult &result, json::object call_result) {
  std::lock_guard lock(mutex_);
  Ended ended;
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return ended;
  Task &t = it->second;
  // A job refused because it was cancelled before it started is a cancelled task too.
  const bool cancelled = result.error && result.error->kind == ErrorKind::cancelled;
  t.status = result.success ? "completed" : cancelled ? "cancelled" : status_of(to_string(result.status));
  t.status_message = result.error ? result.error->message : result.message;
  t.updated = now();
  relate(call_result, id);
  t.result = std::move(call_result);
  ended.task = to_json(id, t);
  ended.result = *t.result;
  ended.result_waiters.swap(t.result_waiters);
  ended.cancel_waiters.swap(t.cancel_waiters);
  return ended;
}

std::optional<json::object> TaskTable::get(const std::string &id) const {
  std::lock_guard lock(mutex_);
  const auto it = tasks_.find(id);
  if (it == tasks_.end()) return std::nullopt;
  return to_json(id, it->second);
}

json::array TaskTable::list() const {
  std::lock_guard lock(mutex_);
  json::array out;
  for (const auto &id : order_) out.push_back(to_json(id, tasks_.at(id)));
  return out;
}

TaskTable::Answer TaskTable::result(const std::string &id, const json::value &request_id, json::object &out) {
  std::lock_guard lock(mutex_);
  const auto it = tasks_.find(id);
  if (it == tasks_.end()) return Answer::unknown;
  if (it->second.result) {
    out = *it->second.result;
    return Answer::now;
  }
  it->second.result_waiters.push_back(request_id);
  return Answer::later;
}

TaskTable::Answer TaskTable::cancel(const std::string &id, const json::value &request_id, json::object &out) {
  std::lock_guard lock(mutex_);
  const auto it = tasks_.find(id);
  if (it == tasks_.end()) return Answer::unknown;
  if (it->second.result) {
    out = to_json(id, it->second);
    return Answer::now;
  }
  it->second.cancel->store(true);
  it->second.cancel_waiters.push_back(request_id);
  return Answer::later;
}

void TaskTable::forget_old() {
  std::size_t ended = 0;
  for (const auto &id : order_) ended += tasks_.at(id).result ? 1 : 0;
  for (auto it = order_.begin(); ended > kKept && it != order_.end();) {
    if (tasks_.at(*it).result) {
      tasks_.erase(*it);
      it = order_.erase(it);
      --ended;
    } else {
      ++it;
    }
  }
}

}  // namespace runtimo::server
