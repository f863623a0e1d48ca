// exec/worker_process.cpp — the worker loop and its rt_host_api (see worker_process.hpp). The
// requests and their replies mirror the host side's dispatch in worker_pool.cpp, op by op.
#include "exec/worker_process.hpp"

#include "exec/job_arguments.hpp"
#include "exec/job_context_calls.hpp"
#include "exec/job_handles.hpp"

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <dirent.h>
#include <stdio_ext.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>

namespace runtimo::exec {
namespace {

namespace json = boost::json;

constexpr int kChannelFd = 3;

struct WorkerState {
  WorkerChannel channel;
  pid_t pid = 0;
  std::mutex mutex;  // one request and its reply at a time, whichever plugin thread asks
};
WorkerState *g_worker = nullptr;

std::string_view view(rt_str s) { return s.ptr == nullptr ? std::string_view{} : std::string_view{s.ptr, s.len}; }
rt_str str(const std::string &s) { return rt_str{s.c_str(), s.size()}; }

// One request to the host and its reply; nullopt when the host has gone or this process is
// not the worker itself (a process the plugin forked shares the channel's descriptor).
std::optional<Frame> ask(json::object head, std::string body = {}) {
  if (g_worker == nullptr || ::getpid() != g_worker->pid) return std::nullopt;
  std::lock_guard lock(g_worker->mutex);
  Frame request{std::move(head), std::move(body), -1};
  if (!g_worker->channel.send(request)) return std::nullopt;
  try {
    return g_worker->channel.receive();
  } catch (const std::exception &) {
    return std::nullopt;
  }
}

// A request the host answers nothing to (output, errors, logs): it is served in order with the
// rest, and the worker answers its plugin itself. False when the host has gone.
bool tell(json::object head, std::string body) {
  if (g_worker == nullptr || ::getpid() != g_worker->pid) return false;
  std::lock_guard lock(g_worker->mutex);
  return g_worker->channel.send(Frame{std::move(head), std::move(body), -1});
}

rt_status status_of(const std::optional<Frame> &reply) {
  if (!reply) return RT_INTERNAL;
  const auto *s = reply->head.if_contains("status");
  return s != nullptr && s->is_int64() ? static_cast<rt_status>(s->get_int64()) : RT_INTERNAL;
}


// -- the services, asked of the host

// The status is the worker's to give (the host would give the same: the phase is known here,
// and the data is checked as the host checks it); the output goes to the host without a
// round trip, and the host, which records it, checks it again.
// (The handle is held while the request is sent: the call cannot end, and another begin, in
// between, so a stray thread's output never lands in another job.)
rt_status set_output(rt_job *handle, rt_str data_json, rt_str message) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  boost::system::error_code ec;
  if (job->phase == JobPhase::execute) json::parse(view(data_json), ec);
  const bool accepted = job->phase == JobPhase::execute && !ec;
  // Refused or not, the host is told: it records the output, or why it was refused.
  if (!tell({{"op", "set_output"}}, pack_parts({view(data_json), view(message)}))) return RT_INTERNAL;
  return accepted ? RT_OK : RT_INVALID_ARGS;
}

void set_error(rt_job *handle, rt_status status, rt_str message, rt_str hint) {
  JobAccess job(handle);
  if (!job) return;
  tell({{"op", "set_error"}, {"status", status}}, pack_parts({view(message), view(hint)}));
}

rt_status wal_event(rt_job *handle, rt_str type, rt_str payload_json) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  return status_of(ask({{"op", "wal_event"}}, pack_parts({view(type), view(payload_json)})));
}

rt_status process_identity(rt_job *handle, int64_t pid, rt_process_identity *out) {
  JobAccess job(handle);
  if (!job || out == nullptr) return RT_INVALID_ARGS;
  const auto reply = ask({{"op", "process_identity"}, {"pid", pid}, {"size", out->struct_size}});
  const rt_status st = status_of(reply);
  if (st == RT_OK && reply->body.size() >= out->struct_size)
    std::memcpy(out, reply->body.data(), out->struct_size);
  return st;
}

rt_status check_path(rt_job *handle, rt_str path, uint32_t access, rt_str *resolved) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  const auto reply = ask({{"op", "check_path"}, {"access", access}}, pack_parts({view(path)}));
  const rt_status st = status_of(reply);
  if (st == RT_OK && resolved != nullptr) *resolved = job->keep(reply->body);
  return st;
}

rt_status open_path(rt_job *handle, rt_str path, uint32_t access, int32_t open_flags, int32_t *fd, rt_str *resolved) {
  JobAccess job(handle);
  if (!job || fd == nullptr) return RT_INVALID_ARGS;
  const auto reply = ask({{"op", "open_path"}, {"access", access}, {"flags", open_flags}},
                         pack_parts({view(path)}));
  const rt_status st = status_of(reply);
  if (st != RT_OK) {
    if (reply && reply->fd >= 0) ::close(reply->fd);
    return st;
  }
  if (reply->fd < 0) return RT_INTERNAL;
  *fd = reply->fd;
  if (resolved != nullptr) *resolved = job->keep(reply->body);
  return RT_OK;
}

rt_status check_process(rt_job *handle, int64_t pid) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  return status_of(ask({{"op", "check_process"}, {"pid", pid}}));
}

void log_line(rt_job *handle, rt_log_level level, rt_str message) {
  JobAccess job(handle);
  if (!job) return;
  tell({{"op", "log"}, {"level", level}}, pack_parts({view(message)}));
}

rt_status capture(rt_job *handle, const char *op, rt_str request, rt_str *out) {
  JobAccess job(handle);
  if (!job || out == nullptr) return RT_INVALID_ARGS;
  const auto reply = ask({{"op", op}}, std::string(view(request)));
  const rt_status st = status_of(reply);
  if (st == RT_OK) *out = job->keep(reply->body);
  return st;
}
rt_status telemetry(rt_job *handle, rt_str sections_json, rt_str *out) {
  return capture(handle, "telemetry", sections_json, out);
}
rt_status processes(rt_job *handle, rt_str query_json, rt_str *out) {
  return capture(handle, "processes", query_json, out);
}

// The write service: each call is the host's, which checks, backs up and mutates; the worker
// only carries it. The resolved path (or the digest) comes back in the reply's body.
rt_status ask_for_text(rt_job *handle, json::object head, std::string body, rt_str *resolved) {
  JobAccess job(handle);
  if (!job) return RT_INVALID_ARGS;
  const auto reply = ask(std::move(head), std::move(body));
  const rt_status st = status_of(reply);
  if (st == RT_OK && resolved != nullptr) *resolved = job->keep(reply->body);
  return st;
}
rt_status backup(rt_job *handle, rt_str path, rt_str *resolved) {
  return ask_for_text(handle, {{"op", "backup"}}, pack_parts({view(path)}), resolved);
}
rt_status write_file(rt_job *handle, rt_str path, rt_str data, uint32_t how, uint32_t mode, rt_str *resolved) {
  return ask_for_text(handle, {{"op", "write_file"}, {"how", how}, {"mode", mode}}, pack_parts({view(path), view(data)}), resolved);
}
rt_status make_dir(rt_job *handle, rt_str path, uint32_t mode, uint32_t flags, rt_str *resolved) {
  return ask_for_text(handle, {{"op", "make_dir"}, {"mode", mode}, {"flags", flags}}, pack_parts({view(path)}), resolved);
}
rt_status remove_path(rt_job *handle, rt_str path, uint32_t flags, rt_str *resolved) {
  return ask_for_text(handle, {{"op", "remove_path"}, {"flags", flags}}, pack_parts({view(path)}), resolved);
}
rt_status rename_path(rt_job *handle, rt_str from, rt_str to, uint32_t flags, rt_str *resolved) {
  return ask_for_text(handle, {{"op", "rename_path"}, {"flags", flags}}, pack_parts({view(from), view(to)}), resolved);
}

rt_status file_sha256(rt_job *handle, rt_str path, uint32_t access, rt_str *hex) {
  if (hex == nullptr) return RT_INVALID_ARGS;
  return ask_for_text(handle, {{"op", "file_sha256"}, {"access", access}}, pack_parts({view(path)}), hex);
}

rt_status pre_image(rt_job *handle, rt_str path, rt_str *record_json) {
  if (record_json == nullptr) return RT_INVALID_ARGS;
  return ask_for_text(handle, {{"op", "pre_image"}}, pack_parts({view(path)}), record_json);
}

rt_status undo_job(rt_job *handle, rt_str target, uint32_t flags, rt_str *report) {
  if (report == nullptr) return RT_INVALID_ARGS;
  return ask_for_text(handle, {{"op", "undo_job"}, {"flags", flags}}, pack_parts({view(target)}), report);
}

// Commands run in the host, never in the worker: the host contains and reaps them.
rt_status spawn(rt_job *handle, rt_str request, uint32_t flags, rt_str *result) {
  if (result == nullptr) return RT_INVALID_ARGS;
  return ask_for_text(handle, {{"op", "spawn"}, {"flags", flags}}, pack_parts({view(request)}), result);
}

// The arguments are the worker's own copy: answered here, as the host would (job_arguments).
// (The handle is looked up once per call: the reason is recorded after it is let go.)
rt_status arg(rt_job *handle, rt_str pointer, rt_json_kind *kind, rt_str *value) {
  ArgumentAnswer a;
  {
    JobAccess job(handle);
    if (!job || job->args == nullptr) return RT_INVALID_ARGS;
    a = argument_at(*job->args, view(pointer));
    if (a.status == RT_OK && value != nullptr) *value = job->keep(std::move(a.text));
  }
  if (kind != nullptr) *kind = a.kind;
  if (a.status == RT_INVALID_ARGS) set_error(handle, a.status, str(a.error), rt_str{"", 0});
  return a.status;
}

rt_status arg_int(rt_job *handle, rt_str pointer, int64_t *out) {
  ArgumentAnswer a;
  {
    JobAccess job(handle);
    if (!job || job->args == nullptr) return RT_INVALID_ARGS;
    a = integer_at(*job->args, view(pointer), out);
  }
  if (a.status == RT_INVALID_ARGS) set_error(handle, a.status, str(a.error), rt_str{"", 0});
  return a.status;
}

const rt_host_api kWorkerApi{
    sizeof(rt_host_api),
    RT_ABI_MAJOR,
    RT_ABI_MINOR,
    &context::job_id,
    &context::session_id,
    &context::dry_run,
    &context::working_dir,
    &context::remaining_ms,
    &context::cancelled,
    &set_output,
    &set_error,
    &wal_event,
    &process_identity,
    &check_path,
    &open_path,
    &check_process,
    &log_line,
    &telemetry,
    &processes,
    &arg,
    &arg_int,
    &backup,
    &write_file,
    &make_dir,
    &remove_path,
    &rename_path,
    &file_sha256,
    &undo_job,
    &spawn,
    &pre_image,
};

// Every process still below the worker (its children, and the orphans it adopted as a
// subreaper): killed and reaped. Returns how many there were.
std::size_t kill_leftovers() {
  std::size_t killed = 0;
  for (;;) {
    // Reap what has already ended.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::vector<pid_t> children;
    const std::string path = "/proc/self/task/" + std::to_string(::getpid()) + "/children";
    if (FILE *f = std::fopen(path.c_str(), "r")) {
      long pid;
      while (std::fscanf(f, "%ld", &pid) == 1) children.push_back(static_cast<pid_t>(pid));
      std::fclose(f);
    }
    if (children.empty()) return killed;
    for (pid_t pid : children) {
      ::kill(pid, SIGKILL);
      ++killed;
    }
    for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
  }
}

// Closes every descriptor but 0, 1, 2 and the channel (moved to 3).
void keep_only_the_channel(WorkerChannel &channel) {
  if (channel.fd() != kChannelFd) {
    if (::dup3(channel.fd(), kChannelFd, O_CLOEXEC) < 0) ::_exit(120);
    channel = WorkerChannel(kChannelFd);  // closes the old descriptor
  }
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, kChannelFd + 1, ~0U, 0) == 0) return;
#endif
  if (DIR *d = ::opendir("/proc/self/fd")) {
    std::vector<int> fds;
    while (const dirent *e = ::readdir(d)) {
      const int fd = std::atoi(e->d_name);
      if (fd > kChannelFd && fd != ::dirfd(d)) fds.push_back(fd);
    }
    ::closedir(d);
    for (int fd : fds) ::close(fd);
  }
}

// A worker starts as a copy of its host, whose signal handlers are not the plugin's business
// (an embedding host, or a test framework, may catch SIGSEGV): every signal goes back to its
// default and is unblocked, so a crash is a crash the host can see in the exit status.
void default_signals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
  stack_t no_stack{};
  no_stack.ss_flags = SS_DISABLE;
  ::sigaltstack(&no_stack, nullptr);
}

}  // namespace

void run_worker(WorkerChannel channel, const plugin::PluginRegistry &registry, const std::atomic<bool> *cancel) {
  ::setpgid(0, 0);
  default_signals();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a worker never outlives its host
  keep_only_the_channel(channel);
  // What the host had buffered but not written is the host's to write, not a worker's exit().
  __fpurge(stdout);
  __fpurge(stderr);
  static WorkerState state;
  state.channel = std::move(channel);
  state.pid = ::getpid();
  g_worker = &state;

  for (;;) {
    std::optional<Frame> call;
    try {
      call = state.channel.receive();
    } catch (const std::exception &) {
      ::_exit(121);
    }
    if (!call) ::_exit(0);  // the host closed the channel: nothing more to do
    const auto &h = call->head;
    std::vector<std::string_view> parts;  // capability, job id, session, working dir, arguments
    try {
      parts = unpack_parts(call->body);
    } catch (const std::exception &) {
    }
    const plugin::LoadedCapability *cap = parts.size() == 5 ? registry.find(parts[0]) : nullptr;
    rt_status st = RT_INTERNAL;
    if (cap != nullptr) {
      Job job;
      job.id = std::string(parts[1]);
      job.session = std::string(parts[2]);
      job.working_dir = std::string(parts[3]);
      job.dry_run = h.at("dry_run").as_bool();
      job.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(h.at("remaining_ms").to_number<std::int64_t>());
      job.capability = cap;
      job.cancel = cancel;
      boost::system::error_code ec;
      const json::value args_value = json::parse(parts[4], ec);  // checked by the host already
      job.args = &args_value;
      const bool validating = h.at("phase").as_string() == "validate";
      job.phase = validating ? JobPhase::validate : JobPhase::execute;
      const rt_str args{parts[4].data(), parts[4].size()};
      {
        LentJob lent(job);
        st = validating ? cap->validate(&kWorkerApi, lent.handle(), args)
                        : cap->execute(&kWorkerApi, lent.handle(), args);
      }
      if (::getpid() != state.pid) ::_exit(0);  // a fork of the plugin returned from the call
    }
    const std::size_t leftovers = kill_leftovers();
    Frame done{json::object{{"op", "done"}, {"status", st}, {"leftovers", leftovers}}, {}, -1};
    std::lock_guard lock(state.mutex);
    if (!state.channel.send(done)) ::_exit(0);
  }
}

}  // namespace runtimo::exec
