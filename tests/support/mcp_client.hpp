// mcp_client.hpp — `runtimo mcp` (RUNTIMO_TEST_BIN) driven over its stdin and stdout as an MCP
// client would: raw lines or JSON-RPC messages in, every line out parsed (a line of stdout that
// is not a JSON-RPC 2.0 message fails the test), answers matched to requests by id, everything
// else kept in order. Reads block until the server writes (ctest's timeout ends a hung test);
// nothing waits a guessed time.
#pragma once

#include "child_process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace runtimo::test {

class McpClient {
 public:
  // `runtimo mcp ARGS...` with RUNTIMO_CONFIG=config; stderr goes to `stderr_file`.
  McpClient(const std::vector<std::string> &args, const std::filesystem::path &config,
            const std::filesystem::path &stderr_file) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (err < 0) throw std::runtime_error("cannot open " + stderr_file.string());
    std::vector<std::string> argv{required_env("RUNTIMO_TEST_BIN"), "mcp"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string config_env = "RUNTIMO_CONFIG=" + config.string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(err, 2);
      ::putenv(const_cast<char *>(config_env.c_str()));
      std::vector<char *> a;
      for (auto &s : argv) a.push_back(s.data());
      a.push_back(nullptr);
      ::execv(a[0], a.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err);
    to_ = in[1];
    from_ = out[0];
  }
  ~McpClient() {
    close_input();
    if (from_ >= 0) ::close(from_);
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      wait_exit();
    }
  }
  McpClient(const McpClient &) = delete;
  McpClient &operator=(const McpClient &) = delete;

  pid_t pid() const { return pid_; }

  void send_raw(const std::string &line) {
    std::size_t off = 0;
    while (off < line.size()) {
      const ssize_t n = ::write(to_, line.data() + off, line.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error("cannot write to runtimo mcp");
      off += static_cast<std::size_t>(n);
    }
  }
  void send(const boost::json::value &message) { send_raw(boost::json::serialize(message) + "\n"); }

  // Sends a request; returns its id.
  std::int64_t request(std::string_view method, boost::json::value params = boost::json::object{}) {
    const std::int64_t id = next_id_++;
    send(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return id;
  }
  void notify(std::string_view method, boost::json::value params = boost::json::object{}) {
    send(boost::json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  // The first message (already received or still to come) that `match` accepts, removed from
  // the ones kept; nullopt when stdout ends first.
  std::optional<boost::json::object> await(const std::function<bool(const boost::json::object &)> &match) {
    for (std::size_t i = 0;; ++i) {
      while (i >= kept_.size())
        if (!read_message()) return std::nullopt;
      if (match(kept_[i])) {
        boost::json::object m = std::move(kept_[i]);
        kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(i));
        return m;
      }
    }
  }
  // The answer to request `id` (a result or an error).
  boost::json::object response(std::int64_t id) {
    auto m = await([&](const boost::json::object &o) {
      const auto *v = o.if_contains("id");
      return v != nullptr && v->is_int64() && v->get_int64() == id && !o.contains("method");
    });
    if (!m) throw std::runtime_error("runtimo mcp ended without answering request " + std::to_string(id));
    return *m;
  }
  // Sends a request and returns its result (failing the test on an error answer).
  boost::json::object call(std::string_view method, boost::json::value params = boost::json::object{}) {
    const auto r = response(request(method, std::move(params)));
    BOOST_REQUIRE_MESSAGE(r.contains("result"), "error answer: " + boost::json::serialize(r));
    return r.at("result").as_object();
  }
  // initialize + notifications/initialized.
  boost::json::object handshake(std::string_view version = "2025-11-25",
                                boost::json::object capabilities = {}) {
    auto result = call("initialize", boost::json::object{{"protocolVersion", version},
                                                         {"capabilities", std::move(capabilities)},
                                                         {"clientInfo", {{"name", "mcp-test"}, {"version", "1"}}}});
    notify("notifications/initialized");
    return result;
  }

  void close_input() {
    if (to_ >= 0) ::close(to_);
    to_ = -1;
  }
  // Reads stdout to its end (keeping what comes) and returns the exit code.
  int wait_exit() {
    while (from_ >= 0 && read_message()) {
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // Stops reading: the client has gone (the server's writes then fail with EPIPE).
  void disconnect() {
    close_input();
    if (from_ >= 0) ::close(from_);
    from_ = -1;
  }

  const std::vector<boost::json::object> &kept() const { return kept_; }
  std::size_t lines_read() const { return lines_; }

 private:
  // One line of stdout, which must be a JSON-RPC 2.0 message; false at the end of stdout.
  bool read_message() {
    std::size_t nl;
    while ((nl = buffer_.find('\n')) == std::string::npos) {
      char chunk[65536];
      const ssize_t n = ::read(from_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        BOOST_TEST(buffer_.empty(), "stdout ended in the middle of a line: " << buffer_);
        return false;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string line = buffer_.substr(0, nl);
    buffer_.erase(0, nl + 1);
    ++lines_;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    BOOST_REQUIRE_MESSAGE(!ec && v.is_object(), "a line of stdout is not a JSON object: " + line);
    const auto *version = v.get_object().if_contains("jsonrpc");
    BOOST_REQUIRE_MESSAGE(version != nullptr && *version == "2.0", "a line of stdout is not JSON-RPC 2.0: " + line);
    kept_.push_back(v.get_object());
    return true;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int to_ = -1, from_ = -1;
  std::string buffer_;
  std::vector<boost::json::object> kept_;
  std::size_t lines_ = 0;
  std::int64_t next_id_ = 1;
};

}  // namespace runtimo::test
