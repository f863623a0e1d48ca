// exec/spawn_service.cpp — see spawn_service.hpp.
#include "exec/spawn_service.hpp"

#include "backup/tree_changes.hpp"
#include "config/settings.hpp"
#include "exec/host_call_support.hpp"
#include "exec/job_handles.hpp"
#include "exec/spawn_plan.hpp"
#include "exec/write_service.hpp"
#include "spawn/process_runner.hpp"
#include "util/utf8.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <cstring>
#include <mutex>

namespace runtimo::exec::spawn_service {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// "SIGKILL" for 9; the number as text for a signal without a name.
std::string signal_name(int sig) {
  const char *abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : std::to_string(sig);
}

// One stream as the result shows it: text (repaired to UTF-8), total, truncation.
void put_stream(json::object &out, const char *name, const spawn::StreamCapture &c) {
  std::string raw = c.head;
  if (c.truncated) {
    raw += "\n[... " + std::to_string(c.total - c.head.size() - c.tail.size()) + " bytes omitted ...]\n";
    raw += c.tail;
  }
  const bool utf8 = util::is_valid_utf8(c.head) && util::is_valid_utf8(c.tail);
  out[name] = utf8 ? raw : util::repair_utf8(raw);
  const std::string n(name);
  out[n + "_bytes"] = c.total;
  out[n + "_truncated"] = c.truncated;
  out[n + "_utf8"] = utf8;
}

json::array processes_json(const std::vector<spawn::SpawnedProcess> &list) {
  json::array out;
  for (const auto &p : list)
    out.push_back(json::object{{"pid", p.pid}, {"ppid", p.ppid}, {"comm", util::repair_utf8(p.comm)},
                               {"cmdline", util::repair_utf8(p.cmdline)}, {"running", p.running_at_end}});
  return out;
}

// Passes output on as the job's progress, at most every 250 ms: the last line seen.
class OutputProgress {
 public:
  explicit OutputProgress(const Job &job) : job_(job) {}
  void operator()(std::string_view stream, std::string_view chunk) {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    while (!chunk.empty() && chunk.back() == '\n') chunk.remove_suffix(1);
    const auto nl = chunk.find_last_of('\n');
    std::string_view line = nl == std::string_view::npos ? chunk : chunk.substr(nl + 1);
    line = line.substr(0, util::utf8_cut(line, 200));
    job_.tell("output", std::string(stream) + ": " + util::repair_utf8(line));
  }

 private:
  const Job &job_;
  Clock::time_point last_{};
};

json::object run(Job &job, const SpawnPlan &plan) {
  // The write-set's pre-images (checked by plan_spawn), as the write service takes them: the
  // first of each path in the job, with a durable job.backup event before the command starts.
  if (!plan.writes.empty() && job.services->backups == nullptr)
    throw SpawnRefusal{RT_INTERNAL, "writes: this runtime has no backup store", {}};
  {
    std::lock_guard lock(job.backups.mutex);
    for (const auto &w : plan.writes) take_pre_image(job, w);
    job.backups.known.distrust_all();  // a command may change any file the job knows
  }
  make_start_durable(job);

  spawn::SpawnRequest r;
  r.id = job.id;
  r.executable = plan.executable;
  r.argv = plan.argv;
  r.env = plan.env;
  r.cwd = plan.cwd;
  r.stdin_data = plan.stdin_data;
  r.max_stdout_bytes = r.max_stderr_bytes = plan.max_output_bytes;
  r.timeout = plan.timeout;
  r.kill_grace = std::chrono::milliseconds(job.services->spawn != nullptr ? job.services->spawn->kill_grace_ms : 2000);
  r.detach = plan.detach;
  r.use_cgroup = job.services->spawn == nullptr || job.services->spawn->use_cgroup;
  r.cancelled = [&job] { return job.cancelled(); };
  OutputProgress progress(job);
  r.on_output = [&progress](std::string_view stream, std::string_view chunk) { progress(stream, chunk); };
  const spawn::SpawnResult s = spawn::run_process(r);
  if (!s.started)
    throw SpawnRefusal{s.start_errno == ENOENT ? RT_NOT_FOUND : s.start_errno == EACCES ? RT_DENIED : RT_FAILED,
                       "cannot start " + plan.executable + ": " + s.start_error, {}};

  json::object out = to_json(plan);
  out.erase("denied");
  out.erase("deny_reason");
  out["containment"] = s.containment == spawn::Containment::cgroup ? "cgroup" : "process_group";
  out["pid"] = s.pid;
  out["exit_code"] = s.exit_code ? json::value(*s.exit_code) : json::value(nullptr);
  out["signal"] = s.signal ? json::value(signal_name(*s.signal)) : json::value(nullptr);
  out["timed_out"] = s.timed_out;
  out["cancelled"] = s.cancelled;
  out["duration_ms"] = static_cast<double>(s.duration.count()) / 1000.0;
  put_stream(out, "stdout", s.out);
  put_stream(out, "stderr", s.err);
  out["processes"] = processes_json(s.processes);
  out["leftovers"] = processes_json(s.leftovers);
  out["memory_peak_bytes"] = s.memory_peak_bytes ? json::value(*s.memory_peak_bytes) : json::value(nullptr);
  out["cpu_ms"] = s.cpu_usec ? json::value(*s.cpu_usec / 1000) : json::value(nullptr);
  if (!plan.writes.empty()) {
    json::array changes;
    std::lock_guard lock(job.backups.mutex);
    for (const auto &path : plan.writes) {
      const auto it = job.backups.by_path.find(path);
      if (it == job.backups.by_path.end()) continue;
      for (const auto &c : backup::changes_since(*job.services->backups, job.id, job.backups.taken[it->second]))
        changes.push_back(json::object{{"path", util::repair_utf8(c.path.string())}, {"change", c.change}, {"kind", backup::to_string(c.kind)}});
    }
    out["changes"] = std::move(changes);
  }
  return out;
}

}  // namespace

rt_status spawn(rt_job *handle, rt_str request_json, uint32_t flags, rt_str *result_json) {
  JobAccess job(handle);
  if (!job || result_json == nullptr) return RT_INVALID_ARGS;
  if (job->phase != JobPhase::execute) return refuse_in_validate(*job, "spawn");
  try {
    boost::system::error_code ec;
    json::value request = json::parse(view(request_json), ec);
    if (ec || !request.is_object())
      throw SpawnRefusal{RT_INVALID_ARGS, "spawn: the request is not a JSON object" + (ec ? ": " + ec.message() : std::string()),
                         "pass {\"argv\": [\"program\", \"arg\", ...]}"};
    const SpawnPlan plan = plan_spawn(*job, request.get_object());
    if ((flags & RT_SPAWN_PLAN_ONLY) != 0 || job->dry_run) {
      json::object out = to_json(plan);
      out["plan"] = true;
      *result_json = job->keep(json::serialize(out));
      return RT_OK;
    }
    if (!plan.deny_reason.empty())
      throw SpawnRefusal{RT_DENIED, plan.deny_reason,
                         "the operator's config (spawn.deny_programs) refuses it; this is a guard rail, ask the operator"};
    *result_json = job->keep(json::serialize(run(*job, plan)));
    return RT_OK;
  } catch (const SpawnRefusal &r) {
    record_error(*job, r.status, r.message.starts_with("spawn") ? r.message : "spawn: " + r.message, r.hint);
    return r.status;
  } catch (const std::exception &e) {
    record_error(*job, RT_FAILED, std::string("spawn: ") + e.what(), {});
    return RT_FAILED;
  }
}

}  // namespace runtimo::exec::spawn_service
