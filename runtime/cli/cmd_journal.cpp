// cli/cmd_journal.cpp — `runtimo logs`, `runtimo status [JOB]`, `runtimo wal verify`.
#include "cli.hpp"

#include <boost/json.hpp>

#include <iostream>
#include <sstream>

namespace runtimo::cli {
namespace {

std::string member(const boost::json::value &v, const char *key) {
  if (!v.is_object()) return {};
  const auto *m = v.as_object().if_contains(key);
  if (m == nullptr) return {};
  if (m->is_string()) return std::string(m->as_string());
  if (m->is_null()) return {};
  return boost::json::serialize(*m);
}

// One journal event as a line of text: seq, time, type, job, capability and what happened.
std::string event_line(const boost::json::value &e) {
  std::string what = member(e, "message");
  if (what.empty()) {
    const auto &o = e.as_object();
    if (const auto *err = o.if_contains("error"); err && err->is_object())
      what = member(*err, "message");
    else if (const auto note = member(e, "note"); !note.empty())
      what = note + " " + member(e, "data");
    else if (const auto args = member(e, "args"); !args.empty())
      what = args;
  }
  std::ostringstream s;
  s << member(e, "seq") << "  " << member(e, "ts") << "  " << member(e, "type") << "  "
    << member(e, "job").substr(0, 12) << "  " << member(e, "capability");
  if (const auto stage = member(e, "stage"); !stage.empty()) s << " (" << stage << ")";
  if (!what.empty()) s << "  " << what;
  return s.str();
}

std::string summary_line(const JobSummary &j) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << j.job_id << "  " << j.started << "  " << j.state << "  " << j.capability;
  if (j.state != "running") s << "  " << j.duration_ms << " ms";
  if (!j.message.empty()) s << "  " << j.message;
  return s.str();
}

}  // namespace

int cmd_logs(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()("job", po::value<std::string>(), "only this job's events")(
      "tail", po::value<std::size_t>()->default_value(20), "how many events (0 = all)");
  const auto vm = parse(args, opts, {});
  if (vm.count("help"))
    return print_help(out, "runtimo logs [--job ID] [--tail N] [--json]", opts), Exit::ok;
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::journal, code);
  if (!rt) return code;
  const std::string job = vm.count("job") ? vm["job"].as<std::string>() : std::string();
  const auto events = rt->events(vm["tail"].as<std::size_t>(), job);
  for (const auto &e : events) {
    if (common.json)
      out.json(e);
    else
      out.line(event_line(e));
  }
  if (events.empty() && !common.json)
    std::cerr << (job.empty() ? "the journal is empty\n" : "no events for job " + job + "\n");
  return Exit::ok;
}

int cmd_status(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()("job", po::value<std::string>(), "job id")(
      "recent", po::value<std::size_t>()->default_value(20), "how many recent jobs to list");
  po::positional_options_description pos;
  pos.add("job", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help")) return print_help(out, "runtimo status [JOB] [--json]", opts), Exit::ok;
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::journal, code);
  if (!rt) return code;
  if (vm.count("job")) {
    const std::string id = vm["job"].as<std::string>();
    const auto job = rt->job_status(id);
    if (!job) {
      std::cerr << "runtimo status: no job " << id << " in the journal\n"
                << "  hint: `runtimo status` lists recent jobs\n";
      return Exit::failed;
    }
    if (common.json) {
      out.json(job->to_json());
      return Exit::ok;
    }
    out.line(summary_line(*job));
    for (const auto &e : job->events) out.line("  " + event_line(e));
    return Exit::ok;
  }
  const auto jobs = rt->recent_jobs(vm["recent"].as<std::size_t>());
  if (common.json) {
    boost::json::array a;
    for (const auto &j : jobs) a.push_back(j.to_json());
    out.json(boost::json::object{{"jobs", std::move(a)}});
    return Exit::ok;
  }
  if (jobs.empty()) out.line("no jobs yet");
  for (const auto &j : jobs) out.line(summary_line(j));
  return Exit::ok;
}

int cmd_wal(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()("action", po::value<std::string>(), "verify");
  po::positional_options_description pos;
  pos.add("action", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help")) return print_help(out, "runtimo wal verify [--json]", opts), Exit::ok;
  if (!vm.count("action") || vm["action"].as<std::string>() != "verify")
    return usage_error("wal", "the only action is `verify`");
  const Common common = read_common(vm);
  int code = Exit::ok;
  auto rt = open_runtime(common, RuntimeOptions::Purpose::journal, code);
  if (!rt) return code;
  const auto check = rt->verify_journal();
  if (common.json) {
    out.json(check.report);
  } else {
    const auto &r = check.report.as_object();
    out.line(std::string(check.ok ? "journal ok" : "journal DAMAGED") + ": " + member(r, "lines") +
             " lines in " + member(r, "segments") + " segments, seq " + member(r, "first_seq") +
             ".." + member(r, "last_seq"));
    if (const auto *p = r.if_contains("problems"); p && p->is_array())
      for (const auto &problem : p->as_array())
        out.line("  " + member(problem, "segment") + ":" + member(problem, "line") + " (offset " +
                 member(problem, "offset") + "): " + member(problem, "what"));
  }
  return check.ok ? Exit::ok : Exit::failed;
}

}  // namespace runtimo::cli
