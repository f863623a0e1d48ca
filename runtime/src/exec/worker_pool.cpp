// exec/worker_pool.cpp — starting, calling, watching and reusing workers (see the header). The
// requests served here mirror the worker's host API in worker_process.cpp, op by op.
#include "exec/worker_pool.hpp"

#include "exec/host_api.hpp"
#include "exec/job_handles.hpp"
#include "exec/worker_channel.hpp"
#include "exec/worker_process.hpp"
#include "log/log.hpp"

#include <boost/json.hpp>

#include <poll.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <new>
#include <thread>
#include <stdexcept>
#include <system_error>

namespace runtimo::exec {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct WorkerPool::Worker {
  pid_t pid = -1;
  int pidfd = -1;
  WorkerChannel channel;
  std::atomic<bool> *cancel = nullptr;  // in a page shared with the worker: its cancelled()

  ~Worker() {
    channel.close();  // a healthy worker exits at the end of its channel
    if (pid > 0) {
      ::kill(-pid, SIGKILL);  // and whatever it or a plugin started in its group
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    if (pidfd >= 0) ::close(pidfd);
    if (cancel != nullptr) ::munmap(cancel, kSharedPage);
  }
  static constexpr std::size_t kSharedPage = 4096;
};

namespace {

// A plugin that answers its deadline itself gets this long to say so before it is killed.
constexpr std::chrono::milliseconds kGrace{100};
// How long a cancelled plugin may take to return by itself before its worker is killed.
constexpr std::chrono::milliseconds kCancelGrace{500};
// How often a call in a worker looks whether its job was cancelled.
constexpr std::chrono::milliseconds kCancelPoll{50};
// How long a worker whose channel ended may take to exit before it is killed.
constexpr std::chrono::milliseconds kDyingTime{2000};

std::string signal_text(int sig) {
  const char *name = sigabbrev_np(sig);
  return "killed by signal " + std::to_string(sig) + (name != nullptr ? std::string(" (SIG") + name + ")" : "");
}

std::string wait_text(int status) {
  if (WIFSIGNALED(status)) return signal_text(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

void set_timeouts(int fd, Clock::time_point until) {
  const auto left = std::max(std::chrono::duration_cast<std::chrono::microseconds>(until - Clock::now()),
                             std::chrono::microseconds(1000));
  timeval tv{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string_view member(const json::object &head, const char *key) {
  const auto *v = head.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}
std::int64_t number(const json::object &head, const char *key) {
  const auto *v = head.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}
rt_str rt(std::string_view s) { return rt_str{s.data(), s.size()}; }
std::string_view view(rt_str s) { return s.ptr == nullptr ? std::string_view{} : std::string_view{s.ptr, s.len}; }

// Requests the worker does not wait on (it answers its plugin itself): output, errors, logs.
bool is_one_way(std::string_view op) { return op == "set_output" || op == "set_error" || op == "log"; }

// The i-th part of a request's body, or "" (a malformed request is served as empty text).
std::string_view part(const std::vector<std::string_view> &parts, std::size_t i) {
  return i < parts.size() ? parts[i] : std::string_view{};
}

// Serves one request of the worker with the job's host handle; returns the reply.
Frame serve(const Frame &request, rt_job *handle) {
  const rt_host_api *host = host_api();
  const json::object &h = request.head;
  const std::string_view op = member(h, "op");
  std::vector<std::string_view> parts;
  if (op != "telemetry" && op != "processes" && op != "process_identity") {
    try {
      parts = unpack_parts(request.body);
    } catch (const std::exception &) {
      return Frame{json::object{{"status", RT_INVALID_ARGS}}, {}, -1};
    }
  }
  Frame reply;
  rt_status st = RT_INVALID_ARGS;
  if (op == "set_output") {
    st = host->set_output(handle, rt(part(parts, 0)), rt(part(parts, 1)));
  } else if (op == "set_error") {
    host->set_error(handle, static_cast<rt_status>(number(h, "status")), rt(part(parts, 0)), rt(part(parts, 1)));
    st = RT_OK;
  } else if (op == "wal_event") {
    st = host->wal_event(handle, rt(part(parts, 0)), rt(part(parts, 1)));
  } else if (op == "process_identity") {
    rt_process_identity out{};
    out.struct_size = static_cast<std::uint32_t>(std::min<std::int64_t>(number(h, "size"), sizeof out));
    st = host->process_identity(handle, number(h, "pid"), &out);
    reply.body.assign(reinterpret_cast<const char *>(&out), out.struct_size);
  } else if (op == "check_path") {
    rt_str resolved{};
    st = host->check_path(handle, rt(part(parts, 0)), static_cast<std::uint32_t>(number(h, "access")), &resolved);
    if (st == RT_OK) reply.body.assign(view(resolved));
  } else if (op == "open_path") {
    rt_str resolved{};
    std::int32_t fd = -1;
    st = host->open_path(handle, rt(part(parts, 0)), static_cast<std::uint32_t>(number(h, "access")),
                         static_cast<std::int32_t>(number(h, "flags")), &fd, &resolved);
    if (st == RT_OK) {
      reply.body.assign(view(resolved));
      reply.fd = fd;  // sent, then closed by the caller of serve()
    }
  } else if (op == "check_process") {
    st = host->check_process(handle, number(h, "pid"));
  } else if (op == "log") {
    host->log(handle, static_cast<rt_log_level>(number(h, "level")), rt(part(parts, 0)));
    st = RT_OK;
  } else if (op == "backup" || op == "write_file" || op == "make_dir" || op == "remove_path" || op == "rename_path" || op == "file_sha256" ||
             op == "undo_job" || op == "spawn" || op == "pre_image") {
    rt_str resolved{};
    const auto u32 = [&](const char *key) { return static_cast<std::uint32_t>(number(h, key)); };
    if (op == "backup") st = host->backup(handle, rt(part(parts, 0)), &resolved);
    else if (op == "write_file") st = host->write_file(handle, rt(part(parts, 0)), rt(part(parts, 1)), u32("how"), u32("mode"), &resolved);
    else if (op == "make_dir") st = host->make_dir(handle, rt(part(parts, 0)), u32("mode"), u32("flags"), &resolved);
    else if (op == "undo_job") st = host->undo_job(handle, rt(part(parts, 0)), u32("flags"), &resolved);
    else if (op == "spawn") st = host->spawn(handle, rt(part(parts, 0)), u32("flags"), &resolved);
    else if (op == "file_sha256") st = host->file_sha256(handle, rt(part(parts, 0)), u32("access"), &resolved);
    else if (op == "pre_image") st = host->pre_image(handle, rt(part(parts, 0)), &resolved);
    else if (op == "remove_path") st = host->remove_path(handle, rt(part(parts, 0)), u32("flags"), &resolved);
    else st = host->rename_path(handle, rt(part(parts, 0)), rt(part(parts, 1)), u32("flags"), &resolved);
    if (st == RT_OK) reply.body.assign(view(resolved));
  } else if (op == "telemetry" || op == "processes") {
    rt_str out{};
    st = (op == "telemetry" ? host->telemetry : host->processes)(handle, rt(request.body), &out);
    if (st == RT_OK) reply.body.assign(view(out));
  }
  reply.head["status"] = st;
  return reply;
}

}  // namespace

// The thread every worker is forked from, for as long as the pool lives. A worker asks the
// kernel to kill it when its parent thread ends (PR_SET_PDEATHSIG), so that it never outlives
// its host, even hung in a plugin; forking from the thread of each job would also kill a
// worker reused by another thread when the job's thread ends. Forking from a thread that does
// nothing else also means no lock of the host is held mid-way by the forking thread.
class WorkerPool::Forker {
 public:
  explicit Forker(const plugin::PluginRegistry &registry) : registry_(registry), thread_([this] { loop(); }) {}
  ~Forker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // Forks a worker serving `worker_end`; returns its pid (or -errno).
  pid_t fork_worker(WorkerChannel &host_end, WorkerChannel &worker_end, std::atomic<bool> *cancel) {
    std::unique_lock lock(mutex_);
    Request request{&host_end, &worker_end, cancel};
    queue_.push_back(&request);
    wake_.notify_all();
    done_.wait(lock, [&] { return request.done; });
    return request.pid;
  }

 private:
  struct Request {
    WorkerChannel *host_end;
    WorkerChannel *worker_end;
    std::atomic<bool> *cancel;
    pid_t pid = -1;
    bool done = false;
  };

  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      Request *r = queue_.front();
      queue_.erase(queue_.begin());
      lock.unlock();
      const pid_t pid = ::fork();
      if (pid == 0) {
        r->host_end->close();
        run_worker(std::move(*r->worker_end), registry_, r->cancel);
      }
      r->pid = pid < 0 ? -errno : pid;
      lock.lock();
      r->done = true;
      done_.notify_all();
    }
  }

  const plugin::PluginRegistry &registry_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<Request *> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

WorkerPool::WorkerPool(const plugin::PluginRegistry &registry, std::set<std::string> in_process)
    : registry_(registry), in_process_(std::move(in_process)) {}

WorkerPool::~WorkerPool() {
  idle_.clear();    // channels closed, workers reaped
  forker_.reset();  // then the thread they were forked from
}

std::unique_ptr<WorkerPool::Worker> WorkerPool::take(const std::string &plugin) {
  {
    std::lock_guard lock(mutex_);
    auto &idle = idle_[plugin];
    if (!idle.empty()) {
      auto w = std::move(idle.back());
      idle.pop_back();
      return w;
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (!forker_) forker_ = std::make_unique<Forker>(registry_);
  }
  auto [host_end, worker_end] = make_channel_pair();
  void *page = ::mmap(nullptr, Worker::kSharedPage, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "cannot map a worker's cancel flag");
  auto *cancel = new (page) std::atomic<bool>(false);
  const pid_t pid = forker_->fork_worker(host_end, worker_end, cancel);
  if (pid < 0) ::munmap(page, Worker::kSharedPage);
  if (pid < 0) throw std::system_error(-pid, std::generic_category(), "cannot fork a worker");
  ::setpgid(pid, pid);  // also done by the child: whichever runs first
  auto w = std::make_unique<Worker>();
  w->pid = pid;
  w->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  w->channel = std::move(host_end);
  w->cancel = cancel;
  return w;
}

void WorkerPool::give_back(const std::string &plugin, std::unique_ptr<Worker> worker) {
  std::lock_guard lock(mutex_);
  idle_[plugin].push_back(std::move(worker));
}

CallOutcome WorkerPool::call(Job &job, rt_str args) {
  const plugin::LoadedCapability &cap = *job.capability;
  CallOutcome outcome;
  if (in_process_.contains(cap.plugin_name)) {
    LentJob lent(job);
    outcome.status = job.phase == JobPhase::validate ? cap.validate(host_api(), lent.handle(), args)
                                                     : cap.execute(host_api(), lent.handle(), args);
    return outcome;
  }
  outcome.supervised = true;
  std::unique_ptr<Worker> w = take(cap.plugin_name);
  const auto until = job.deadline + kGrace;
  bool healthy = false;
  {
    LentJob lent(job);  // the host's handle: the worker's requests are served with it
    json::object head{{"op", "call"},
                      {"phase", job.phase == JobPhase::validate ? "validate" : "execute"},
                      {"dry_run", job.dry_run},
                      {"remaining_ms", std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                     job.deadline - Clock::now()).count())}};
    set_timeouts(w->channel.fd(), until);
    w->cancel->store(false);
    std::optional<Clock::time_point> cancelled_at;
    bool sent = w->channel.send(
        Frame{std::move(head), pack_parts({cap.name, job.id, job.session, job.working_dir, view(args)}), -1});
    while (sent) {
      if (job.cancelled() && !cancelled_at) {
        w->cancel->store(true);  // the plugin's cancelled() now says 1
        cancelled_at = Clock::now();
      }
      if (cancelled_at && Clock::now() >= *cancelled_at + kCancelGrace) {
        outcome.cancelled = true;
        break;
      }
      pollfd fds[2] = {{w->channel.fd(), POLLIN, 0}, {w->pidfd, POLLIN, 0}};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      const int wait_ms = static_cast<int>(std::min<std::int64_t>(left, kCancelPoll.count()));
      const int ready = left <= 0 ? 0 : ::poll(fds, w->pidfd >= 0 ? 2 : 1, wait_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0 && left > kCancelPoll.count()) continue;  // a slice passed: look again
      if (ready == 0) {
        outcome.past_deadline = true;
        break;
      }
      if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) break;  // only the pidfd: it died
      std::optional<Frame> frame;
      try {
        frame = w->channel.receive();
      } catch (const std::exception &e) {
        log::write(log::Level::warning, std::string("worker channel: ") + e.what(), job.id, cap.plugin_name);
      }
      if (!frame) break;
      if (member(frame->head, "op") == "done") {
        outcome.status = static_cast<rt_status>(number(frame->head, "status"));
        outcome.leftovers = static_cast<std::size_t>(number(frame->head, "leftovers"));
        healthy = true;
        break;
      }
      if (frame->fd >= 0) ::close(frame->fd);  // workers send no descriptors
      Frame reply = serve(*frame, lent.handle());
      if (!is_one_way(member(frame->head, "op"))) sent = w->channel.send(reply);
      if (reply.fd >= 0) ::close(reply.fd);
    }
  }
  if (healthy) {
    give_back(cap.plugin_name, std::move(w));
    return outcome;
  }
  // The worker died, went silent past the deadline, or broke the protocol. A worker that closed
  // its channel is given a moment to finish dying (exit() runs the handlers of the whole
  // process), so its own status says what happened; then its group is killed and it is reaped.
  if (!outcome.past_deadline && !outcome.cancelled && w->pidfd >= 0) {
    pollfd exited{w->pidfd, POLLIN, 0};
    while (::poll(&exited, 1, static_cast<int>(kDyingTime.count())) < 0 && errno == EINTR) {
    }
  }
  ::kill(-w->pid, SIGKILL);
  int status = 0;
  while (::waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {
  }
  const pid_t pid = w->pid;
  w->pid = -1;  // reaped
  outcome.status = outcome.past_deadline ? RT_TIMEOUT : outcome.cancelled ? RT_CANCELLED : RT_INTERNAL;
  if (!outcome.past_deadline && !outcome.cancelled) outcome.crash = "the plugin's worker (pid " + std::to_string(pid) + ") " + wait_text(status);
  return outcome;
}

}  // namespace runtimo::exec
