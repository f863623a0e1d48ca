// plugin/probe_verdict.hpp — what a probe found out about one plugin file.
//
// Owns: the outcomes (passed, rejected by the checks, killed by a signal, exited, hung, or the
// probe could not run), the messages that say what happened and where ("killed by signal 11
// (SIGSEGV) while loading, in dlopen() …; skipped until the file changes"), which verdicts are
// worth remembering (not one the probe could not reach, nor a SIGKILL the host did not send:
// the OOM killer's verdict is not the plugin's), and the one JSON form a verdict takes on the
// probe's pipe and in the probe cache.
#pragma once

#include "plugin/abi_header.hpp"
#include "plugin/plugin_load.hpp"
#include "plugin/plugin_table.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::plugin {

enum class ProbeOutcome { passed, rejected, crashed, exited, hung, failed };

// "passed", "rejected", "crashed", "exited", "hung", "failed".
std::string_view to_string(ProbeOutcome outcome);

struct ProbeVerdict {
  ProbeOutcome outcome = ProbeOutcome::failed;
  std::optional<LoadStage> stage;        // the stage that was running when the probe ended badly
  int signal = 0;                        // crashed
  int exit_code = 0;                     // exited
  std::chrono::milliseconds timeout{0};  // hung
  std::string reason;                    // all but passed: the message, naming the file
  // What the table said, as far as the probe read it.
  AbiVersion abi;
  std::string name;
  std::string version;
  std::vector<CapabilityReport> capabilities;

  // A verdict about the file itself, which holds until the file changes.
  bool worth_remembering() const;
  // `with_capabilities`: the cache leaves the per-capability reports out.
  boost::json::object to_json(bool with_capabilities = true) const;
  // nullopt for anything that is not a verdict (a foreign or damaged cache line).
  static std::optional<ProbeVerdict> from_json(const boost::json::value &value);

  // The verdicts a probe process ends with.
  static ProbeVerdict of_load(const PluginLoad &load, bool ok);
  static ProbeVerdict killed(const std::filesystem::path &file, std::optional<LoadStage> stage,
                             int signal);
  static ProbeVerdict exited_early(const std::filesystem::path &file,
                                   std::optional<LoadStage> stage, int code);
  static ProbeVerdict timed_out(const std::filesystem::path &file, std::optional<LoadStage> stage,
                                std::chrono::milliseconds timeout);
  static ProbeVerdict not_run(const std::filesystem::path &file, const std::string &why);
};

// "5 s", "1.5 s".
std::string seconds_text(std::chrono::milliseconds duration);

}  // namespace runtimo::plugin
