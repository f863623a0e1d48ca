// plugin/probe_verdict.cpp — verdicts, their messages and their JSON (see the header).
#include "plugin/probe_verdict.hpp"

#include "util/json_members.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <cstring>

namespace runtimo::plugin {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr std::string_view kOutcomes[] = {"passed", "rejected", "crashed",
                                          "exited", "hung",     "failed"};

constexpr const char *kSkipped =
    "; it is skipped until the file changes: replace it with a fixed build or remove it";

std::string_view stage_name(LoadStage stage) {
  switch (stage) {
    case LoadStage::dlopen:
      return "dlopen";
    case LoadStage::entry:
      return "entry";
    case LoadStage::table:
      return "table";
  }
  return "";
}

std::optional<LoadStage> stage_named(std::string_view name) {
  for (const LoadStage s : {LoadStage::dlopen, LoadStage::entry, LoadStage::table})
    if (stage_name(s) == name) return s;
  return std::nullopt;
}

// Where the load was, to follow "while loading".
std::string where(std::optional<LoadStage> stage) {
  if (!stage) return "";
  switch (*stage) {
    case LoadStage::dlopen:
      return ", in dlopen() (its static constructors, or those of a library it needs)";
    case LoadStage::entry:
      return ", in " RT_PLUGIN_ENTRY_SYMBOL "()";
    case LoadStage::table:
      return ", while the host read its plugin table (a pointer in it is invalid)";
  }
  return "";
}

// A probe that ended without a verdict: `what` happened, skipped until the file changes.
ProbeVerdict fatal(ProbeOutcome outcome, const fs::path &file, std::optional<LoadStage> stage,
                   const std::string &what) {
  ProbeVerdict v;
  v.outcome = outcome;
  v.stage = stage;
  v.reason = file.string() + ": " + what + kSkipped;
  return v;
}

std::string signal_text(int signal) {
  const char *abbrev = ::sigabbrev_np(signal);
  return std::to_string(signal) + (abbrev != nullptr ? std::string(" (SIG") + abbrev + ")" : "");
}


std::int64_t number(const json::value *v) {
  boost::system::error_code ec;
  const auto n = v != nullptr ? v->to_number<std::int64_t>(ec) : 0;
  return v != nullptr && !ec ? n : 0;
}

std::int64_t number_of(const json::object &o, std::string_view key) {
  return number(o.if_contains(key));
}

}  // namespace

std::string_view to_string(ProbeOutcome outcome) {
  return kOutcomes[static_cast<int>(outcome)];
}

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
    while (fraction.back() == '0') fraction.pop_back();
    text += "." + fraction;
  }
  return text + " s";
}

bool ProbeVerdict::worth_remembering() const {
  if (outcome == ProbeOutcome::failed) return false;
  return !(outcome == ProbeOutcome::crashed && signal == SIGKILL);
}

ProbeVerdict ProbeVerdict::of_load(const PluginLoad &load, bool ok) {
  ProbeVerdict v;
  v.outcome = ok ? ProbeOutcome::passed : ProbeOutcome::rejected;
  v.reason = ok ? std::string() : load.reason;
  v.abi = load.checked.abi;
  v.name = load.checked.name;
  v.version = load.checked.version;
  v.capabilities = load.checked.reports;
  return v;
}

ProbeVerdict ProbeVerdict::killed(const fs::path &file, std::optional<LoadStage> stage,
                                  int signal) {
  ProbeVerdict v =
      fatal(ProbeOutcome::crashed, file, stage,
            "killed by signal " + signal_text(signal) + " while loading" + where(stage));
  v.signal = signal;
  return v;
}

ProbeVerdict ProbeVerdict::exited_early(const fs::path &file, std::optional<LoadStage> stage,
                                        int code) {
  ProbeVerdict v = fatal(ProbeOutcome::exited, file, stage,
                         "called exit(" + std::to_string(code) + ") while loading" + where(stage));
  v.exit_code = code;
  return v;
}

ProbeVerdict ProbeVerdict::timed_out(const fs::path &file, std::optional<LoadStage> stage,
                                     std::chrono::milliseconds timeout) {
  ProbeVerdict v = fatal(ProbeOutcome::hung, file, stage,
                         "did not finish loading within " + seconds_text(timeout) + where(stage) +
                             ", so its probe was killed");
  v.timeout = timeout;
  return v;
}

ProbeVerdict ProbeVerdict::not_run(const fs::path &file, const std::string &why) {
  ProbeVerdict v;
  v.outcome = ProbeOutcome::failed;
  v.reason = file.string() + ": not loaded: its probe could not run (" + why +
             "); the next command tries again";
  return v;
}

json::object ProbeVerdict::to_json(bool with_capabilities) const {
  json::object o{{"outcome", to_string(outcome)}};
  if (stage) o["stage"] = stage_name(*stage);
  if (signal != 0) o["signal"] = signal;
  if (outcome == ProbeOutcome::exited) o["exit_code"] = exit_code;
  if (timeout.count() != 0) o["timeout_ms"] = timeout.count();
  if (!reason.empty()) o["reason"] = reason;
  if (abi.major != 0 || abi.minor != 0) o["abi"] = json::array{abi.major, abi.minor};
  if (!name.empty()) o["name"] = name;
  if (!version.empty()) o["version"] = version;
  if (with_capabilities && !capabilities.empty()) {
    json::array caps;
    for (const CapabilityReport &c : capabilities)
      caps.push_back(json::object{{"name", c.name}, {"flags", c.flags}, {"problem", c.problem}});
    o["capabilities"] = std::move(caps);
  }
  return o;
}

std::optional<ProbeVerdict> ProbeVerdict::from_json(const json::value &value) {
  const json::object *o = value.if_object();
  if (o == nullptr) return std::nullopt;
  ProbeVerdict v;
  const std::string outcome = util::string_member(*o, "outcome");
  bool known = false;
  for (std::size_t i = 0; i < std::size(kOutcomes); ++i) {
    if (kOutcomes[i] == outcome) v.outcome = static_cast<ProbeOutcome>(i), known = true;
  }
  if (!known) return std::nullopt;
  v.stage = stage_named(util::string_member(*o, "stage"));
  v.signal = static_cast<int>(number_of(*o, "signal"));
  v.exit_code = static_cast<int>(number_of(*o, "exit_code"));
  v.timeout = std::chrono::milliseconds(number_of(*o, "timeout_ms"));
  v.reason = util::string_member(*o, "reason");
  if (const json::value *abi = o->if_contains("abi");
      abi != nullptr && abi->is_array() && abi->get_array().size() == 2) {
    v.abi.major = static_cast<unsigned>(number(&abi->get_array()[0]));
    v.abi.minor = static_cast<unsigned>(number(&abi->get_array()[1]));
  }
  v.name = util::string_member(*o, "name");
  v.version = util::string_member(*o, "version");
  if (const json::value *caps = o->if_contains("capabilities");
      caps != nullptr && caps->is_array()) {
    for (const json::value &c : caps->get_array()) {
      if (!c.is_object()) continue;
      CapabilityReport r;
      r.name = util::string_member(c.get_object(), "name");
      r.flags = static_cast<std::uint32_t>(number_of(c.get_object(), "flags"));
      r.problem = util::string_member(c.get_object(), "problem");
      v.capabilities.push_back(std::move(r));
    }
  }
  if (v.outcome != ProbeOutcome::passed && v.reason.empty()) return std::nullopt;
  return v;
}

}  // namespace runtimo::plugin
