// cli/cmd_session.cpp — `runtimo session create [--name N] | list | show ID | close ID |
// undo ID [--dry-run]`: sessions group jobs (`runtimo run --session ID`), and a session can be
// taken back as a whole — every job of it that changed files, newest first, through the Undo
// capability, stopping at the first one that cannot be undone (a conflict), with a report.
#include "cli.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace runtimo::cli {
namespace {

void print_session(const Output &out, const SessionSummary &s) {
  out.line(s.id + "  " + (s.closed.empty() ? "open  " : "closed") + "  " + std::to_string(s.jobs.size()) +
           " job(s)  created " + s.created + (s.name.empty() ? "" : "  " + s.name));
}

// Whether the journal shows the job changed files and was not taken back yet.
bool undoable(const Runtime &rt, const std::string &job) {
  bool backed_up = false;
  for (const auto &e : rt.events(0, job)) {
    const auto *type = e.is_object() ? e.get_object().if_contains("type") : nullptr;
    if (type == nullptr || !type->is_string()) continue;
    if (*type == "job.undone") return false;
    if (*type == "job.backup") backed_up = true;
  }
  return backed_up;
}

int session_undo(const Output &out, Runtime &rt, const SessionSummary &s, bool dry_run, bool json) {
  boost::json::array undone;
  std::vector<std::string> jobs = s.jobs;
  std::reverse(jobs.begin(), jobs.end());  // newest first
  for (const auto &job : jobs) {
    if (!undoable(rt, job)) continue;
    RunOptions o;
    o.dry_run = dry_run;
    const JobResult r = rt.run("Undo", boost::json::serialize(boost::json::object{{"job", job}}), o);
    undone.push_back(boost::json::object{{"job", job}, {"undo", r.job_id}, {"status", to_string(r.status)}, {"report", r.data}});
    if (!r.success) {
      const boost::json::object report{{"session", s.id}, {"dry_run", dry_run}, {"undone", undone}, {"stopped_at", job},
                                       {"error", r.error ? r.error->to_json() : boost::json::value(nullptr)}};
      if (json) out.json(report);
      error_line("runtimo session undo: stopped at job " + job + ": " + (r.error ? r.error->message : r.message));
      if (r.error && !r.error->hint.empty()) error_line("  hint: " + r.error->hint);
      error_line("  the " + std::to_string(undone.size() - 1) + " newer job(s) before it were " +
                 (dry_run ? "checked" : "undone") + "; nothing older was touched");
      return r.exit_code();
    }
    if (!json) out.line(std::string(dry_run ? "would undo " : "undid ") + job + ": " + r.message);
  }
  if (json) out.json(boost::json::object{{"session", s.id}, {"dry_run", dry_run}, {"undone", undone}});
  else if (undone.empty()) out.line("session " + s.id + " changed nothing that can be undone");
  return Exit::ok;
}

}  // namespace

int cmd_session(const Output &out, const std::vector<std::string> &args) {
  auto opts = common_options();
  opts.add_options()
      ("action", po::value<std::string>(), "create | list | show | close | undo")
      ("id", po::value<std::string>(), "the session")
      ("name", po::value<std::string>(), "a name for a new session")
      ("dry-run", "undo: say what would be undone, change nothing");
  po::positional_options_description pos;
  pos.add("action", 1).add("id", 1);
  const auto vm = parse(args, opts, pos);
  if (vm.count("help"))
    return print_help(out, "runtimo session create [--name N] | list | show ID | close ID | undo ID [--dry-run]", opts), Exit::ok;
  const std::string action = vm.count("action") ? vm["action"].as<std::string>() : "";
  static const std::vector<std::string> kActions{"create", "list", "show", "close", "undo"};
  if (std::find(kActions.begin(), kActions.end(), action) == kActions.end())
    return usage_error("session", "what should be done? create, list, show ID, close ID or undo ID");
  const bool needs_id = action != "create" && action != "list";
  if (needs_id && !vm.count("id")) return usage_error("session", action + " which session? runtimo session list shows them");
  const Common common = read_common(vm);
  int code = Exit::ok;
  const bool writes = action == "create" || action == "close" || action == "undo";
  auto rt = open_runtime(common, writes ? RuntimeOptions::Purpose::run : RuntimeOptions::Purpose::journal, code);
  if (!rt) return code;

  if (action == "create") {
    const std::string id = rt->create_session(vm.count("name") ? vm["name"].as<std::string>() : "");
    if (common.json) out.json(boost::json::object{{"session", id}});
    else out.line(id);
    return Exit::ok;
  }
  if (action == "list") {
    const auto all = rt->sessions();
    if (common.json) {
      boost::json::array a;
      for (const auto &s : all) a.push_back(s.to_json());
      out.json(boost::json::object{{"sessions", std::move(a)}});
    } else {
      for (const auto &s : all) print_session(out, s);
    }
    return Exit::ok;
  }
  const std::string id = vm["id"].as<std::string>();
  const auto s = rt->session(id);
  if (!s) return usage_error("session", "no session " + id + " in the journal; runtimo session list shows them");
  if (action == "show") {
    if (common.json) {
      out.json(s->to_json());
    } else {
      print_session(out, *s);
      for (const auto &job : s->jobs)
        if (const auto j = rt->job_status(job)) out.line("  " + j->job_id + "  " + j->capability + "  " + j->state + "  " + j->message);
    }
    return Exit::ok;
  }
  if (action == "close") {
    try {
      rt->close_session(id);
    } catch (const std::invalid_argument &e) {
      return usage_error("session", e.what());
    }
    if (!common.json) out.line("closed " + id);
    else out.json(boost::json::object{{"session", id}, {"closed", true}});
    return Exit::ok;
  }
  return session_undo(out, *rt, *s, vm.count("dry-run") > 0, common.json);
}

}  // namespace runtimo::cli
