// server/mcp_tasks.hpp — the tasks of one MCP session (the 2025-11-25 experimental tasks): a
// tools/call sent with `task` becomes a task whose id is its job's id, answered at once and
// polled with tasks/get, waited for with tasks/result, cancelled with tasks/cancel. The table
// holds this session's tasks (their results, and the requests waiting for them); a task id it
// does not hold is looked up in the journal, so a task outlives the session that created it.
#pragma once

#include <runtimo/runtime.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::server {

// The Task object of a job as the journal records it (tasks/get of a task from another session).
boost::json::object task_of_record(const JobSummary &job);
// The tools/call result of a job as the journal records it (tasks/result of such a task).
boost::json::object result_of_record(const JobSummary &job);

class TaskTable {
 public:
  // What to send when a task ends: the answers to the requests that waited for it.
  struct Ended {
    boost::json::object task;                // for notifications/tasks/status
    std::vector<boost::json::value> result_waiters, cancel_waiters;  // request ids
    boost::json::object result;              // the tools/call result (with its related-task _meta)
  };

  // A new task, `working`; returns its Task object.
  boost::json::object create(const std::string &id, std::shared_ptr<std::atomic<bool>> cancel);
  // Records the end of the task's job: its status from the result, and the result.
  Ended finish(const std::string &id, const JobResult &result, boost::json::object call_result);

  // The Task object; nullopt when the task is not of this session.
  std::optional<boost::json::object> get(const std::string &id) const;
  boost::json::array list() const;

  enum class Answer { now, later, unknown };
  // tasks/result: the result when the task has ended (`now`, in `out`), else the request waits
  // (`later`); `unknown` when the task is not of this session.
  Answer result(const std::string &id, const boost::json::value &request_id, boost::json::object &out);
  // tasks/cancel: cancels the task's job; the request is answered when the job has ended, with
  // the status it ended in (`later`). `now` (the Task in `out`) when it had already ended.
  Answer cancel(const std::string &id, const boost::json::value &request_id, boost::json::object &out);

 private:
  struct Task {
    std::string status = "working";
    std::string status_message;
    std::string created, updated;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::optional<boost::json::object> result;
    std::vector<boost::json::value> result_waiters, cancel_waiters;
  };
  static boost::json::object to_json(const std::string &id, const Task &task);
  void forget_old();  // keeps at most kKept ended tasks in memory (the journal keeps them all)

  static constexpr std::size_t kKept = 1000;
  mutable std::mutex mutex_;
  std::map<std::string, Task> tasks_;
  std::deque<std::string> order_;  // ids, oldest first
};

}  // namespace runtimo::server
