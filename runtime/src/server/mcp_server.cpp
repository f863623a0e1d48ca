// server/mcp_server.cpp — the MCP stdio server (see mcp_server.hpp). Protocol facts follow the
// 2025-11-25 specification (modelcontextprotocol.io/specification), which also answers the
// three earlier versions this server speaks.
#include "server/mcp_server.hpp"

#include "server/mcp_catalog.hpp"
#include "server/mcp_lines.hpp"
#include "server/mcp_tasks.hpp"
#include "util/json_members.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace runtimo::server {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr std::string_view kLatestVersion = "2025-11-25";
constexpr std::string_view kVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

// JSON-RPC and MCP error codes.
constexpr int kParseError = -32700, kInvalidRequest = -32600, kMethodNotFound = -32601,
              kInvalidParams = -32602, kInternalError = -32603, kResourceNotFound = -32002;

// How long a call waits for the client's answer to roots/list before it runs without it.
constexpr std::chrono::seconds kRootsWait{10};

std::string key_of(const json::value &id) { return json::serialize(id); }

const json::object *object_at(const json::value &v, const char *key) {
  const auto *o = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return o != nullptr && o->is_object() ? &o->get_object() : nullptr;
}

// file:///a%20b → /a b; empty for anything else.
fs::path path_of_file_uri(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (!uri.starts_with(scheme)) return {};
  std::string_view rest = uri.substr(scheme.size());
  if (!rest.starts_with('/')) {  // file://host/path: only the local host
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || (rest.substr(0, slash) != "localhost")) return {};
    rest = rest.substr(slash);
  }
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(rest.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return fs::path(out).lexically_normal();
}

class McpServer {
 public:
  McpServer(Runtime &runtime, std::FILE *out, const McpOptions &options)
      : rt_(runtime), out_(out), options_(options) {
    std::setvbuf(out_, nullptr, _IOFBF, 64 << 10);
  }

  int run(int in_fd, int stop_fd) {
    std::thread ticker([this] { tick(); });
    LineReader reader(in_fd, options_.max_line_bytes, stop_fd);
    while (auto line = reader.next()) handle_line(*line);
    roots_answered();  // no answer to a roots/list can come any more
    // End of input: the calls under way finish (and are journaled) before the server ends;
    // on a stop they are cancelled.
    {
      std::unique_lock lock(calls_mutex_);
      if (reader.stopped())
        for (auto &[key, call] : calls_) call->cancel->store(true);
      stopping_ = true;
      calls_cv_.notify_all();
    }
    for (auto &worker : workers_) worker.join();  // each ends when no call is left
    ticker.join();
    return 0;
  }

 private:
  struct Call {
    json::value id;
    std::string key;   // in calls_
    std::string capability;
    std::string args;  // the arguments' JSON text
    std::string task;  // the task's id (= its job's id) when the call is a task; else empty
    json::value progress_token;  // null: the client asked for no progress
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    std::mutex mutex;
    std::string job_id;
    std::uint64_t progress = 0;
    bool running = false;
    std::chrono::steady_clock::time_point started;
  };

  // -- output

  // One message, one write(2) when it fits the stream's buffer (set to 64 KiB).
  void send(const json::value &message) {
    std::string line = json::serialize(message);
    line += '\n';
    std::lock_guard lock(out_mutex_);
    if (std::fwrite(line.data(), 1, line.size(), out_) == line.size()) std::fflush(out_);
  }
  void reply(const json::value &id, json::value result) {
    send(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void fail(const json::value &id, int code, std::string message, json::value data = nullptr) {
    json::object error{{"code", code}, {"message", std::move(message)}};
    if (!data.is_null()) error["data"] = std::move(data);
    send(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}});
  }
  void notify(std::string_view method, json::object params) {
    send(json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  // Under the call's mutex, so that once a cancellation has been taken in (also under it) no
  // progress of the call follows: the client has forgotten its token.
  void progress(Call &call, std::string message) {
    if (call.progress_token.is_null()) return;
    std::lock_guard lock(call.mutex);
    if (call.cancel->load()) return;
    notify("notifications/progress", json::object{{"progressToken", call.progress_token},
                                                  {"progress", ++call.progress},
                                                  {"message", std::move(message)}});
  }

  // -- input

  void handle_line(const Line &line) {
    if (line.too_long) {
      fail(nullptr, kInvalidRequest,
           "the message is " + std::to_string(line.bytes) + " bytes long, more than the limit of " +
               std::to_string(options_.max_line_bytes) + " (config mcp.max_line_bytes); it was skipped");
      return;
    }
    if (line.text.find_first_not_of(" \t\r") == std::string::npos) return;  // blank line
    boost::system::error_code ec;
    json::value message = json::parse(line.text, ec);
    if (ec) return fail(nullptr, kParseError, "the line is not JSON: " + ec.message());
    if (message.is_array()) return fail(nullptr, kInvalidRequest, "batches are not supported: send one message per line");
    if (!message.is_object()) return fail(nullptr, kInvalidRequest, "a message must be a JSON object");
    json::object &m = message.get_object();
    const json::value *id = m.if_contains("id");
    const bool valid_id = id == nullptr || id->is_string() || id->is_int64() || id->is_uint64();
    if (util::string_view_member(message, "jsonrpc") != "2.0" || !valid_id)
      return fail(id != nullptr && valid_id ? *id : json::value(nullptr), kInvalidRequest,
                  "not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\" and a string or integer id)");
    const auto *method = m.if_contains("method");
    if (method == nullptr) {
      if (id != nullptr && (m.contains("result") || m.contains("error"))) return handle_response(message);
      return fail(id != nullptr ? *id : json::value(nullptr), kInvalidRequest, "a request needs a \"method\"");
    }
    if (!method->is_string()) return fail(id != nullptr ? *id : json::value(nullptr), kInvalidRequest, "\"method\" must be a string");
    const json::value params = m.contains("params") ? m.at("params") : json::value(json::object{});
    if (id == nullptr) return handle_notification(method->get_string(), params);
    if (!params.is_object()) return fail(*id, kInvalidParams, "\"params\" must be an object");
    try {
      handle_request(*id, method->get_string(), params);
    } catch (const std::exception &e) {
      fail(*id, kInternalError, e.what());
    }
  }

  void handle_request(const json::value &id, std::string_view method, const json::value &params) {
    if (method == "initialize") return initialize(id, params);
    if (method == "ping") return reply(id, json::object{});
    if (method == "tools/list") return list_tools(id);
    if (method == "tools/call") return call_tool(id, params);
    if (method == "resources/list") return reply(id, json::object{{"resources", resources()}});
    if (method == "resources/templates/list")
      return reply(id, json::object{{"resourceTemplates", resource_templates()}});
    if (method == "resources/read") return read(id, params);
    if (method == "tasks/get") return get_task(id, params);
    if (method == "tasks/result") return task_result(id, params);
    if (method == "tasks/cancel") return cancel_task(id, params);
    if (method == "tasks/list") return reply(id, json::object{{"tasks", tasks_.list()}});
    fail(id, kMethodNotFound, "unknown method \"" + std::string(method) + "\"");
  }

  void handle_notification(std::string_view method, const json::value &params) {
    if (method == "notifications/initialized" || method == "notifications/roots/list_changed") {
      if (client_roots_) ask_roots();
    } else if (method == "notifications/cancelled") {
      const auto *request = params.is_object() ? params.get_object().if_contains("requestId") : nullptr;
      if (request == nullptr) return;
      std::lock_guard lock(calls_mutex_);
      // A task's request was answered when the task was created: tasks/cancel cancels it.
      if (auto it = calls_.find(key_of(*request)); it != calls_.end() && it->second->task.empty()) {
        std::lock_guard call_lock(it->second->mutex);
        it->second->cancel->store(true);
        // A call still waiting for its turn goes first: its job is refused as cancelled.
        if (auto queued = std::find(queue_.begin(), queue_.end(), it->second); queued != queue_.end()) {
          queue_.erase(queued);
          queue_.push_front(it->second);
        }
      }
    }
    // Other notifications need no answer.
  }

  // The answer to a request of ours: only roots/list asks anything.
  void handle_response(const json::value &message) {
    const json::value &id = message.get_object().at("id");
    if (!id.is_string() || !id.get_string().starts_with("runtimo-roots-")) return;
    const json::object *result = object_at(message, "result");
    if (result == nullptr) return roots_answered();  // the client refused: no narrowing
    std::vector<fs::path> roots;
    if (const auto *list = result->if_contains("roots"); list != nullptr && list->is_array())
      for (const auto &root : list->get_array())
        if (fs::path p = path_of_file_uri(util::string_view_member(root, "uri")); !p.empty()) roots.push_back(std::move(p));
    {
      std::lock_guard lock(roots_mutex_);
      roots_ = std::move(roots);
    }
    roots_answered();
  }
  void roots_answered() {
    std::lock_guard lock(roots_mutex_);
    roots_pending_ = false;
    roots_cv_.notify_all();
  }
  // A call waits for the answer to a roots/list under way, so that no job runs with wider
  // paths than the client meant — for a while: a client that never answers gets the policy
  // of the configuration.
  std::vector<fs::path> current_roots() {
    std::unique_lock lock(roots_mutex_);
    roots_cv_.wait_for(lock, kRootsWait, [&] { return !roots_pending_; });
    return roots_;
  }

  // -- requests

  void initialize(const json::value &id, const json::value &params) {
    const std::string_view asked = util::string_view_member(params, "protocolVersion");
    const bool known = std::find(std::begin(kVersions), std::end(kVersions), asked) != std::end(kVersions);
    if (const auto *caps = object_at(params, "capabilities")) client_roots_ = caps->contains("roots");
    reply(id, json::object{
                  {"protocolVersion", known ? asked : kLatestVersion},
                  {"capabilities", json::object{{"tools", json::object{{"listChanged", false}}},
                                                {"resources", json::object{{"subscribe", false}, {"listChanged", false}}},
                                                {"tasks", json::object{{"list", json::object{}},
                                                                       {"cancel", json::object{}},
                                                                       {"requests", {{"tools", {{"call", json::object{}}}}}}}}}},
                  {"serverInfo", json::object{{"name", "runtimo"}, {"title", "Runtimo"}, {"version", RUNTIMO_VERSION}}},
                  {"instructions",
                   "Every tool call is a job of Runtimo: its arguments are checked against the tool's schema "
                   "and the capability's own validation before anything runs, and the job is journaled. A "
                   "result with isError says why it was refused and how to fix it. Read runtimo://jobs/{job_id} "
                   "for a job's record, also after a call you gave up on."}});
  }

  void ask_roots() {
    {
      std::lock_guard lock(roots_mutex_);
      roots_pending_ = true;
    }
    notify_request("roots/list", "runtimo-roots-" + std::to_string(next_request_++));
  }
  void notify_request(std::string_view method, std::string id) {
    send(json::object{{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}});
  }

  void list_tools(const json::value &id) {
    json::array tools;
    for (const auto &c : rt_.list()) tools.push_back(tool_of(c));  // sorted by name
    reply(id, json::object{{"tools", std::move(tools)}});
  }

  void read(const json::value &id, const json::value &params) {
    const std::string_view uri = util::string_view_member(params, "uri");
    if (uri.empty()) return fail(id, kInvalidParams, "resources/read needs a \"uri\"");
    auto contents = read_resource(rt_, uri);
    if (!contents)
      return fail(id, kResourceNotFound, "no resource \"" + std::string(uri) + "\"", json::object{{"uri", uri}});
    reply(id, json::object{{"contents", std::move(*contents)}});
  }

  void call_tool(const json::value &id, const json::value &params) {
    const std::string_view name = util::string_view_member(params, "name");
    const auto capability = name.empty() ? std::nullopt : rt_.describe(name);
    if (!capability) {
      json::array suggestions;
      for (const auto &s : rt_.suggest(name)) suggestions.emplace_back(tool_name(s));
      std::string message = "unknown tool \"" + std::string(name) + "\"";
      if (!suggestions.empty()) message += "; did you mean " + std::string(suggestions.front().as_string()) + "?";
      return fail(id, kInvalidParams, message + " (tools/list names every tool)",
                  json::object{{"suggestions", std::move(suggestions)}});
    }
    auto call = std::make_shared<Call>();
    call->id = id;
    call->capability = capability->name;
    const json::value *arguments = params.get_object().if_contains("arguments");
    call->args = arguments != nullptr ? json::serialize(*arguments) : std::string("{}");
    if (const json::object *meta = object_at(params, "_meta"))
      if (const auto *token = meta->if_contains("progressToken")) call->progress_token = *token;
    if (object_at(params, "task") != nullptr) call->task = Runtime::new_job_id();
    // A task is keyed by its id: its request has been answered, and the client may reuse it.
    call->key = call->task.empty() ? key_of(id) : "task:" + call->task;
    std::lock_guard lock(calls_mutex_);
    if (calls_.contains(call->key)) return fail(id, kInvalidRequest, "a call with this id is already running");
    if (!call->task.empty()) reply(id, json::object{{"task", tasks_.create(call->task, call->cancel)}});
    calls_[call->key] = call;
    queue_.push_back(call);
    // Workers are started as calls need them, up to max_concurrent_calls, and kept.
    if (queue_.size() > idle_ && workers_.size() < std::max<std::size_t>(options_.max_concurrent_calls, 1))
      workers_.emplace_back([this] { work(); });
    calls_cv_.notify_all();
  }

  // A worker: runs queued calls one after the other until the server stops and none is left.
  void work() {
    std::unique_lock lock(calls_mutex_);
    for (;;) {
      ++idle_;
      calls_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      --idle_;
      if (queue_.empty()) return;
      const std::shared_ptr<Call> call = queue_.front();
      queue_.pop_front();
      lock.unlock();
      run_call(*call);
      lock.lock();
      calls_.erase(call->key);
      calls_cv_.notify_all();
    }
  }

  void run_call(Call &call) {
    RunOptions o;
    o.cancel = call.cancel;
    o.job_id = call.task;
    o.roots = current_roots();
    o.observer = [&](const JobEvent &e) {
      if (e.kind == "started") {
        std::lock_guard lock(call.mutex);
        call.job_id = std::string(e.job_id);
        call.running = true;
        call.started = std::chrono::steady_clock::now();
      }
      progress(call, std::string(e.kind == "started" ? "job " + std::string(e.job_id) + " started"
                                 : e.kind == "note"  ? "note: " + std::string(e.message)
                                                     : "output: " + std::string(e.message)));
    };
    try {
      const JobResult result = rt_.run(call.capability, call.args, o);
      if (!call.task.empty()) {
        end_task(call.task, result);
      } else if (!call.cancel->load()) {
        // A cancelled request gets no answer (the client has stopped waiting); its job's
        // record stays readable as runtimo://jobs/{id}.
        reply(call.id, call_result(result));
      }
    } catch (const std::exception &e) {
      if (call.task.empty()) fail(call.id, kInternalError, std::string("the call could not be run: ") + e.what());
    }
  }

  // -- tasks

  void end_task(const std::string &task, const JobResult &result) {
    const TaskTable::Ended ended = tasks_.finish(task, result, call_result(result));
    for (const auto &waiter : ended.result_waiters) reply(waiter, ended.result);
    for (const auto &waiter : ended.cancel_waiters) reply(waiter, ended.task);
    notify("notifications/tasks/status", ended.task);
  }

  void get_task(const json::value &id, const json::value &params) {
    const std::string task(util::string_view_member(params, "taskId"));
    if (auto t = tasks_.get(task)) return reply(id, std::move(*t));
    if (const auto job = journaled_job(id, task)) reply(id, task_of_record(*job));
  }

  void task_result(const json::value &id, const json::value &params) {
    const std::string task(util::string_view_member(params, "taskId"));
    json::object result;
    switch (tasks_.result(task, id, result)) {
      case TaskTable::Answer::now: return reply(id, std::move(result));
      case TaskTable::Answer::later: return;  // answered when the task ends
      case TaskTable::Answer::unknown: break;
    }
    const auto job = journaled_job(id, task);
    if (!job) return;
    if (job->state == "running")
      return fail(id, kInvalidParams, "task " + task + " is a job still running in another Runtimo process; poll tasks/get");
    reply(id, result_of_record(*job));
  }

  void cancel_task(const json::value &id, const json::value &params) {
    const std::string task(util::string_view_member(params, "taskId"));
    json::object ended;
    switch (tasks_.cancel(task, id, ended)) {
      case TaskTable::Answer::now:
        return fail(id, kInvalidParams, "task " + task + " has already ended (" +
                                            std::string(ended.at("status").as_string()) + "); it cannot be cancelled");
      case TaskTable::Answer::later: return;  // answered when the job has ended
      case TaskTable::Answer::unknown: break;
    }
    if (journaled_job(id, task))
      fail(id, kInvalidParams, "task " + task + " is not a task of this session; only its own tasks can be cancelled");
  }

  // A task of an earlier session, from the journal; answers -32602 when there is none.
  std::optional<JobSummary> journaled_job(const json::value &id, const std::string &task) {
    if (task.empty()) return fail(id, kInvalidParams, "the request needs a \"taskId\""), std::nullopt;
    auto job = rt_.job_status(task);
    if (!job) fail(id, kInvalidParams, "no task \"" + task + "\" (a task's id is its job's id)");
    return job;
  }

  // Every progress interval, the calls that asked for progress and are running say so.
  void tick() {
    std::unique_lock lock(calls_mutex_);
    while (!stopping_ || !calls_.empty()) {
      if (calls_cv_.wait_for(lock, options_.progress_interval, [&] { return stopping_ && calls_.empty(); })) break;
      std::vector<std::shared_ptr<Call>> running;
      for (auto &[key, call] : calls_) running.push_back(call);
      lock.unlock();
      for (auto &call : running) {
        std::string job;
        double seconds = 0;
        {
          std::lock_guard call_lock(call->mutex);
          if (!call->running) continue;
          job = call->job_id;
          seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - call->started).count();
        }
        progress(*call, "job " + job + " running for " + std::to_string(static_cast<long>(seconds)) + " s");
      }
      lock.lock();
      if (stopping_ && calls_.empty()) break;
    }
  }

  Runtime &rt_;
  std::FILE *out_;
  const McpOptions options_;
  std::mutex out_mutex_;
  std::mutex calls_mutex_;
  std::condition_variable calls_cv_;
  std::map<std::string, std::shared_ptr<Call>> calls_;  // queued or running, by Call::key
  std::deque<std::shared_ptr<Call>> queue_;              // waiting for a worker
  std::vector<std::thread> workers_;
  std::size_t idle_ = 0;                                 // workers waiting for a call
  bool stopping_ = false;
  TaskTable tasks_;
  std::mutex roots_mutex_;
  std::condition_variable roots_cv_;
  std::vector<fs::path> roots_;
  bool roots_pending_ = false;
  bool client_roots_ = false;
  int next_request_ = 1;
};

}  // namespace

McpOptions mcp_options_from(const boost::json::value &config) {
  McpOptions o;
  const json::object *mcp = object_at(config, "mcp");
  if (mcp == nullptr) return o;
  if (const auto *v = mcp->if_contains("max_line_bytes"); v && v->is_int64()) o.max_line_bytes = static_cast<std::size_t>(v->get_int64());
  if (const auto *v = mcp->if_contains("max_concurrent_calls"); v && v->is_int64())
    o.max_concurrent_calls = static_cast<std::size_t>(v->get_int64());
  if (const auto *v = mcp->if_contains("progress_interval_ms"); v && v->is_int64())
    o.progress_interval = std::chrono::milliseconds(v->get_int64());
  return o;
}

int serve_mcp(Runtime &runtime, int in_fd, std::FILE *out, const McpOptions &options, int stop_fd) {
  McpServer server(runtime, out, options);
  return server.run(in_fd, stop_fd);
}

}  // namespace runtimo::server
