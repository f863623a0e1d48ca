// `runtimo mcp` as a client drives it over a pipe: the handshake, JSON-RPC errors for lines
// that are not requests (and lines over the limit, skipped), tools from the capabilities, calls
// that are journaled jobs with the same result as structured content and text, refusals as
// error results, a plugin that prints to stdout, progress, cancellation, concurrent calls,
// a client that goes away in the middle of a job, resources and roots. Every line the server
// writes to stdout is parsed as JSON-RPC 2.0 (McpClient fails the test otherwise).
#define BOOST_TEST_MODULE mcp_server
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "mcp_client.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace runtimo::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {


// A home, a config and `runtimo mcp` on them, with the test plugins `cases` loaded.
struct Server {
  TempDir dir;
  fs::path home = dir / "home";
  fs::path config = dir / "config.json";
  fs::path stderr_file = dir / "stderr.txt";
  std::vector<std::string> args;

  explicit Server(const std::vector<std::string> &cases = {}, json::object extra_config = {}) {
    json::object c{{"guard", {{"enabled", false}}},
                   {"mcp", {{"max_line_bytes", 4096}, {"progress_interval_ms", 100}, {"max_concurrent_calls", 4}}}};
    for (auto &[k, v] : extra_config) c[k] = v;
    std::ofstream(config) << json::serialize(c);
    args = {"--home", home.string()};
    for (const auto &name : cases)
      args.insert(args.end(), {"--plugin-dir", (fs::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / name).string()});
  }
  std::unique_ptr<McpClient> start() const { return std::make_unique<McpClient>(args, config, stderr_file); }

  // `runtimo ARGS... --home HOME` with this server's config.
  Captured cli(std::vector<std::string> a) const {
    a.insert(a.begin(), required_env("RUNTIMO_TEST_BIN"));
    a.insert(a.end(), {"--home", home.string()});
    return run_capture(a, {}, {"RUNTIMO_CONFIG=" + config.string()});
  }
  std::vector<std::string> event_types(const std::string &job) const {
    std::vector<std::string> types;
    std::istringstream lines(cli({"logs", "--json", "--tail", "0", "--job", job}).out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) types.emplace_back(json::parse(line).at("type").as_string());
    return types;
  }
};

json::object tool_call(std::string_view name, json::value arguments, json::value progress_token = nullptr) {
  json::object params{{"name", name}, {"arguments", std::move(arguments)}};
  if (!progress_token.is_null()) params["_meta"] = json::object{{"progressToken", progress_token}};
  return params;
}

int error_code(const json::object &response) {
  BOOST_REQUIRE_MESSAGE(response.contains("error"), "not an error answer: " + json::serialize(response));
  return static_cast<int>(response.at("error").at("code").as_int64());
}

std::function<bool(const json::object &)> progress_with(const json::value &token, std::string_view text = {}) {
  return [token, text = std::string(text)](const json::object &m) {
    if (!m.contains("method") || m.at("method") != "notifications/progress") return false;
    const auto &p = m.at("params").as_object();
    return p.at("progressToken") == token &&
           (text.empty() || std::string_view(p.at("message").as_string()).find(text) != std::string_view::npos);
  };
}

// "job 0123… started" → "0123…".
std::string job_of_start(const json::object &progress) {
  std::string message(progress.at("params").at("message").as_string());
  BOOST_REQUIRE(message.starts_with("job ") && message.ends_with(" started"));
  return message.substr(4, message.size() - 4 - 8);
}

// A file of `bytes` bytes of text.
fs::path text_file(const TempDir &dir, const std::string &name, std::size_t bytes) {
  const fs::path p = dir / name;
  std::string text;
  for (std::size_t i = 0; i < bytes; ++i) text += static_cast<char>('a' + i % 26);
  std::ofstream(p) << text;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_handshake_answers_the_clients_version_when_it_is_known_and_else_the_latest) {
  Server s;
  auto c = s.start();
  for (const char *v : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
    const auto r = c->call("initialize", json::object{{"protocolVersion", v}, {"capabilities", json::object{}},
                                                      {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
    BOOST_TEST(r.at("protocolVersion") == v);
    BOOST_TEST(r.at("serverInfo").at("name") == "runtimo");
    BOOST_TEST(r.at("capabilities").as_object().contains("tools"));
    BOOST_TEST(r.at("capabilities").as_object().contains("resources"));
  }
  BOOST_TEST(c->call("initialize", json::object{{"protocolVersion", "1999-01-01"}}).at("protocolVersion") == "2025-11-25");
  c->notify("notifications/initialized");
  BOOST_TEST(c->call("ping").empty());
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);
}

BOOST_AUTO_TEST_CASE(lines_that_are_not_requests_get_json_rpc_errors_and_the_server_goes_on) {
  Server s;
  auto c = s.start();
  c->handshake();
  const auto null_id = [](const json::object &m) { return m.contains("error") && m.at("id").is_null(); };

  c->send_raw("this is not JSON\n");
  BOOST_TEST(error_code(*c->await(null_id)) == -32700);
  c->send_raw("[{\"jsonrpc\":\"2.0\",\"id\":90,\"method\":\"ping\"}]\n");  // a batch
  BOOST_TEST(error_code(*c->await(null_id)) == -32600);
  c->send_raw("{\"id\":91,\"method\":\"ping\"}\n");  // no "jsonrpc"
  BOOST_TEST(error_code(c->response(91)) == -32600);
  c->send_raw("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}\n");  // an object id
  BOOST_TEST(error_code(*c->await(null_id)) == -32600);
  c->send_raw("{\"jsonrpc\":\"2.0\",\"id\":92}\n");  // no method
  BOOST_TEST(error_code(c->response(92)) == -32600);
  c->send_raw("{\"jsonrpc\":\"2.0\",\"id\":94,\"method\":\"tools/call\",\"params\":[1]}\n");
  BOOST_TEST(error_code(c->response(94)) == -32602);
  // A tools/call whose arguments are not an object is a job refused with isError.
  const auto not_object = c->call("tools/call", json::object{{"name", "file_read"}, {"arguments", "a string"}});
  BOOST_TEST(not_object.at("isError") == true);
  BOOST_TEST(error_code(c->response(c->request("no/such/method"))) == -32601);
  BOOST_TEST(error_code(c->response(c->request("resources/read", json::object{{"uri", "runtimo://nothing"}}))) == -32002);

  // A line over mcp.max_line_bytes (4096 here) — a valid request, 20 KiB long — is answered
  // with an error that names the limit, and skipped; the next line is read as usual.
  const std::string padding(20000, ' ');
  c->send_raw("{\"jsonrpc\":\"2.0\",\"id\":93,\"method\":\"ping\"" + padding + "}\n");
  const auto too_long = *c->await(null_id);
  BOOST_TEST(error_code(too_long) == -32600);
  BOOST_TEST(std::string(too_long.at("error").at("message").as_string()).find("mcp.max_line_bytes") != std::string::npos);
  BOOST_TEST(c->call("ping").empty());
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);
  for (const auto &m : c->kept()) BOOST_TEST(m.at("id") != 93, "the oversized request was answered as a request");
}

BOOST_AUTO_TEST_CASE(tools_are_the_capabilities_in_order_with_their_schemas_and_hints) {
  Server s;
  auto c = s.start();
  c->handshake();
  const auto tools = c->call("tools/list").at("tools").as_array();
  std::vector<std::string> names;
  for (const auto &t : tools) names.emplace_back(t.at("name").as_string());
  // Every bundled capability, in name order.
  BOOST_TEST(std::is_sorted(names.begin(), names.end()));
  for (const char *bundled : {"file_delete", "file_move", "file_read", "file_write", "kill", "process_list", "telemetry", "undo"})
    BOOST_TEST((std::find(names.begin(), names.end(), bundled) != names.end()), bundled);
  const auto tool = [&](std::string_view name) -> const json::object & {
    return tools.at(static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin())).as_object();
  };
  const auto &file_read = tool("file_read");
  const json::value described = json::parse(s.cli({"describe", "FileRead", "--json"}).out);
  BOOST_TEST(file_read.at("inputSchema") == described.at("schema"));
  BOOST_TEST(file_read.at("annotations").at("readOnlyHint") == true);
  BOOST_TEST(file_read.at("annotations").at("destructiveHint") == false);
  BOOST_TEST(tool("kill").at("annotations").at("destructiveHint") == true);
  BOOST_TEST(tool("kill").at("annotations").at("readOnlyHint") == false);
  BOOST_TEST(tool("file_write").at("annotations").at("destructiveHint") == true);
}

BOOST_AUTO_TEST_CASE(a_call_is_a_journaled_job_whose_result_is_the_same_as_structured_content_and_text) {
  Server s;
  const fs::path file = text_file(s.dir, "one-kib.txt", 1024);
  auto c = s.start();
  c->handshake("2025-06-18");
  const auto r = c->call("tools/call", tool_call("file_read", {{"path", file.string()}}));
  BOOST_TEST(r.at("isError") == false);
  const auto &structured = r.at("structuredContent").as_object();
  BOOST_TEST(structured.at("data").at("content").as_string().size() == 1024u);
  BOOST_TEST(structured.at("status") == "completed");
  const auto &content = r.at("content").as_array();
  BOOST_REQUIRE(content.size() == 1u);
  BOOST_TEST(content[0].at("type") == "text");
  BOOST_TEST(json::parse(content[0].at("text").as_string()) == json::value(structured));

  const std::string job(structured.at("job_id").as_string());
  BOOST_TEST((s.event_types(job) == std::vector<std::string>{"job.started", "job.completed"}));
  const auto read = c->call("resources/read", json::object{{"uri", "runtimo://jobs/" + job}});
  const json::value record = json::parse(read.at("contents").at(0).at("text").as_string());
  BOOST_TEST(record.at("state") == "completed");
}

BOOST_AUTO_TEST_CASE(kill_over_mcp_ends_the_process) {
  Server s;
  LiveChild target({"/bin/sleep", "30"});
  auto c = s.start();
  c->handshake();
  const auto r = c->call("tools/call", tool_call("kill", {{"pid", target.pid()}}));
  BOOST_TEST(r.at("isError") == false, json::serialize(r));
  const int status = target.reap();
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGTERM);
}

BOOST_AUTO_TEST_CASE(refusals_are_error_results_that_say_what_to_fix_and_unknown_tools_are_suggested) {
  Server s;
  auto c = s.start();
  c->handshake();
  const auto bad = c->call("tools/call", tool_call("file_read", {{"path", 5}}));
  BOOST_TEST(bad.at("isError") == true);
  BOOST_TEST(bad.at("structuredContent").at("error").at("kind") == "invalid_args");
  BOOST_TEST(bad.at("structuredContent").at("error").at("details").as_array().size() >= 1u);
  BOOST_TEST(std::string(bad.at("content").at(0).at("text").as_string()).find("schema") != std::string::npos);

  const auto denied = c->call("tools/call", tool_call("file_read", {{"path", "/etc/shadow"}}));
  BOOST_TEST(denied.at("isError") == true);
  BOOST_TEST(denied.at("structuredContent").at("error").at("kind") == "denied");

  const auto unknown = c->response(c->request("tools/call", tool_call("file_reed", {{"path", "/etc/hostname"}})));
  BOOST_TEST(error_code(unknown) == -32602);
  BOOST_TEST(unknown.at("error").at("data").at("suggestions").at(0) == "file_read");
}

BOOST_AUTO_TEST_CASE(a_plugin_that_prints_to_stdout_leaves_the_stream_intact_in_process_and_supervised) {
  for (const char *isolation : {"in_process", "worker"}) {
    Server s({"stdout_writer"}, {{"plugins", {{"stdout_writer", {{"isolation", isolation}}}}}});
    auto c = s.start();
    c->handshake();
    const auto r = c->call("tools/call", tool_call("stdout_writer", json::object{}));
    BOOST_TEST(r.at("isError") == false, isolation << ": " << json::serialize(r));
    BOOST_TEST(c->call("ping").empty());
    c->close_input();
    BOOST_TEST(c->wait_exit() == 0);
    BOOST_TEST(read_file(s.stderr_file).find("GARBAGE FROM stdout_writer") != std::string::npos, isolation);
  }
}

BOOST_AUTO_TEST_CASE(progress_comes_at_the_start_on_each_note_and_while_a_call_runs) {
  Server s({"noter", "slow"});
  auto c = s.start();
  c->handshake();
  const auto id = c->request("tools/call", tool_call("note", {{"text", "halfway there"}}, "p-note"));
  const auto r = c->response(id);
  BOOST_TEST(r.at("result").at("isError") == false);
  // Both came before the answer (await only looks at what was kept before it).
  BOOST_TEST(c->await(progress_with("p-note", "started")).has_value());
  BOOST_TEST(c->await(progress_with("p-note", "note: noted")).has_value());

  const auto slow = c->request("tools/call", tool_call("slow", json::object{}, 7));
  const std::string job = job_of_start(*c->await(progress_with(7, "started")));
  BOOST_TEST(c->await(progress_with(7, "running for")).has_value());  // every 100 ms here
  c->notify("notifications/cancelled", json::object{{"requestId", slow}, {"reason", "test"}});
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);
  BOOST_TEST(s.event_types(job).back() == "job.cancelled");
}

BOOST_AUTO_TEST_CASE(a_cancelled_call_ends_its_job_cancelled_gets_no_answer_and_blocks_nothing) {
  Server s({"slow"});
  const fs::path file = text_file(s.dir, "f.txt", 10);
  auto c = s.start();
  c->handshake();
  const auto slow = c->request("tools/call", tool_call("slow", json::object{}, "tok"));
  const std::string job = job_of_start(*c->await(progress_with("tok", "started")));
  // While it runs, ping and another call are answered.
  BOOST_TEST(c->call("ping").empty());
  BOOST_TEST(c->call("tools/call", tool_call("file_read", {{"path", file.string()}})).at("isError") == false);
  c->notify("notifications/cancelled", json::object{{"requestId", slow}});
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);
  for (const auto &m : c->kept())
    BOOST_TEST(!(m.contains("id") && m.at("id") == slow), "a cancelled request was answered");
  BOOST_TEST((s.event_types(job) == std::vector<std::string>{"job.started", "job.cancelled"}));
}

BOOST_AUTO_TEST_CASE(a_call_waiting_for_its_turn_can_be_cancelled) {
  Server s({"slow"}, {{"mcp", {{"max_concurrent_calls", 1}, {"progress_interval_ms", 60000}}}});
  auto c = s.start();
  c->handshake();
  const auto first = c->request("tools/call", tool_call("slow", json::object{}, "first"));
  const std::string job = job_of_start(*c->await(progress_with("first", "started")));
  const auto second = c->request("tools/call", tool_call("slow", json::object{}, "second"));
  c->notify("notifications/cancelled", json::object{{"requestId", second}});
  BOOST_TEST(c->call("ping").empty());
  c->notify("notifications/cancelled", json::object{{"requestId", first}});
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);
  BOOST_TEST(s.event_types(job).back() == "job.cancelled");
  for (const auto &m : c->kept()) BOOST_TEST(!(m.contains("id") && (m.at("id") == first || m.at("id") == second)));
}

BOOST_AUTO_TEST_CASE(a_client_that_goes_away_mid_job_leaves_its_outcome_journaled_and_readable) {
  Server s({"slow"}, {{"jobs", {{"default_deadline_ms", 1000}}}});
  std::string job;
  {
    auto c = s.start();
    c->handshake();
    c->request("tools/call", tool_call("slow", json::object{}, "gone"));
    job = job_of_start(*c->await(progress_with("gone", "started")));
    c->disconnect();  // stdin closed, stdout no longer read
    BOOST_TEST(c->wait_exit() == 0);
  }
  BOOST_TEST(s.event_types(job).back() == "job.timed_out");
  auto again = s.start();
  again->handshake();
  const auto read = again->call("resources/read", json::object{{"uri", "runtimo://jobs/" + job}});
  BOOST_TEST(json::parse(read.at("contents").at(0).at("text").as_string()).at("state") == "timed_out");
}

BOOST_AUTO_TEST_CASE(resources_are_listed_and_read) {
  Server s;
  auto c = s.start();
  c->handshake();
  std::set<std::string> uris;
  const auto listed = c->call("resources/list");
  for (const auto &r : listed.at("resources").as_array()) uris.emplace(r.at("uri").as_string());
  BOOST_TEST((uris == std::set<std::string>{"runtimo://journal/tail", "runtimo://processes", "runtimo://telemetry"}));
  BOOST_TEST(c->call("resources/templates/list").at("resourceTemplates").at(0).at("uriTemplate") == "runtimo://jobs/{id}");
  for (const auto &uri : uris) {
    const auto r = c->call("resources/read", json::object{{"uri", uri}});
    BOOST_TEST(r.at("contents").at(0).at("uri") == json::value(uri));
    BOOST_TEST(!json::parse(r.at("contents").at(0).at("text").as_string()).is_null());
  }
  const auto telemetry = c->call("resources/read", json::object{{"uri", "runtimo://telemetry"}});
  BOOST_TEST(json::parse(telemetry.at("contents").at(0).at("text").as_string()).as_object().contains("memory"));
}

BOOST_AUTO_TEST_CASE(the_clients_roots_narrow_what_its_jobs_may_read) {
  Server s;
  fs::create_directories(s.dir / "inside");
  fs::create_directories(s.dir / "outside");
  const fs::path inside = text_file(s.dir, "inside/a.txt", 5), outside = text_file(s.dir, "outside/b.txt", 5);
  auto c = s.start();
  c->handshake("2025-11-25", {{"roots", {{"listChanged", true}}}});
  const auto ask = c->await([](const json::object &m) { return m.contains("method") && m.at("method") == "roots/list"; });
  BOOST_REQUIRE(ask.has_value());
  c->send(json::object{{"jsonrpc", "2.0"}, {"id", ask->at("id")},
                       {"result", {{"roots", json::array{json::object{{"uri", "file://" + (s.dir / "inside").string()}}}}}}});
  BOOST_TEST(c->call("tools/call", tool_call("file_read", {{"path", inside.string()}})).at("isError") == false);
  const auto refused = c->call("tools/call", tool_call("file_read", {{"path", outside.string()}}));
  BOOST_TEST(refused.at("isError") == true);
  BOOST_TEST(refused.at("structuredContent").at("error").at("kind") == "denied");
}

BOOST_AUTO_TEST_CASE(sigterm_cancels_the_calls_under_way_journals_them_and_exits) {
  // Clients stop a server that does not exit on end of input with SIGTERM (the official
  // TypeScript client after 2 s): nothing under way is lost.
  Server s({"slow"});
  auto c = s.start();
  c->handshake();
  c->request("tools/call", tool_call("slow", json::object{}, "term"));
  const std::string job = job_of_start(*c->await(progress_with("term", "started")));
  ::kill(c->pid(), SIGTERM);
  BOOST_TEST(c->wait_exit() == 0);
  BOOST_TEST((s.event_types(job) == std::vector<std::string>{"job.started", "job.cancelled"}));
}

BOOST_AUTO_TEST_CASE(a_call_sent_as_a_task_is_answered_at_once_with_its_job_id_and_polled_to_its_result) {
  Server s({"slow"});
  const fs::path file = text_file(s.dir, "t.txt", 12);
  auto c = s.start();
  const auto init = c->handshake("2025-11-25", {{"tasks", json::object{}}});
  BOOST_TEST(init.at("capabilities").at("tasks").at("requests").at("tools").as_object().contains("call"));
  BOOST_TEST(c->call("tools/list").at("tools").at(0).at("execution").at("taskSupport") == "optional");

  // A quick one: tasks/result answers with the tools/call result, tied to the task.
  json::object params = tool_call("file_read", {{"path", file.string()}});
  params["task"] = json::object{{"ttl", 60000}};
  const auto created = c->call("tools/call", params).at("task").as_object();
  const std::string quick(created.at("taskId").as_string());
  BOOST_TEST(created.at("status") == "working");
  const auto result = c->call("tasks/result", json::object{{"taskId", quick}});
  BOOST_TEST(result.at("isError") == false);
  BOOST_TEST(result.at("structuredContent").at("job_id") == json::value(quick));  // the task is the job
  BOOST_TEST(result.at("_meta").at("io.modelcontextprotocol/related-task").at("taskId") == json::value(quick));
  BOOST_TEST(c->call("tasks/get", json::object{{"taskId", quick}}).at("status") == "completed");
  BOOST_TEST((s.event_types(quick) == std::vector<std::string>{"job.started", "job.completed"}));

  // A long one: tasks/result waits; tasks/cancel is answered once the job has ended, cancelled,
  // and then the waiting tasks/result is answered too.
  json::object slow_params = tool_call("slow", json::object{}, "slow-task");
  slow_params["task"] = json::object{};
  const std::string slow(c->call("tools/call", slow_params).at("task").at("taskId").as_string());
  BOOST_TEST(job_of_start(*c->await(progress_with("slow-task", "started"))) == slow);
  const auto waiting = c->request("tasks/result", json::object{{"taskId", slow}});
  BOOST_TEST(c->call("tasks/get", json::object{{"taskId", slow}}).at("status") == "working");
  const auto tasks = c->call("tasks/list").at("tasks").as_array();
  BOOST_TEST(tasks.size() == 2u);
  BOOST_TEST(c->call("tasks/cancel", json::object{{"taskId", slow}}).at("status") == "cancelled");
  const auto ended = c->response(waiting);
  BOOST_TEST(ended.at("result").at("isError") == true);
  BOOST_TEST(ended.at("result").at("structuredContent").at("status") == "cancelled");
  BOOST_TEST(error_code(c->response(c->request("tasks/cancel", json::object{{"taskId", slow}}))) == -32602);
  BOOST_TEST(error_code(c->response(c->request("tasks/get", json::object{{"taskId", "no-such-task"}}))) == -32602);
  BOOST_TEST((s.event_types(slow) == std::vector<std::string>{"job.started", "job.cancelled"}));
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);

  // A task outlives its session: another server finds it in the journal.
  auto later = s.start();
  later->handshake();
  BOOST_TEST(later->call("tasks/get", json::object{{"taskId", slow}}).at("status") == "cancelled");
  const auto old = later->call("tasks/result", json::object{{"taskId", quick}});
  BOOST_TEST(old.at("isError") == false);
  BOOST_TEST(old.at("structuredContent").at("state") == "completed");
}

BOOST_AUTO_TEST_CASE(a_cancelled_shell_exec_ends_every_process_of_its_command) {
  Server s;
  auto c = s.start();
  c->handshake();
  const auto call = c->request("tools/call", tool_call("shell_exec", {{"cmd", "echo started; sleep 987621 & sleep 987621"}, {"shell", true}}, "p-sh"));
  const std::string job = job_of_start(*c->await(progress_with("p-sh", "started")));
  BOOST_TEST(c->await(progress_with("p-sh", "stdout: started")).has_value());  // it is running
  c->notify("notifications/cancelled", json::object{{"requestId", call}, {"reason", "test"}});
  c->close_input();
  BOOST_TEST(c->wait_exit() == 0);
  BOOST_TEST(s.event_types(job).back() == "job.cancelled");
  BOOST_TEST(processes_with("987621").empty());
}
