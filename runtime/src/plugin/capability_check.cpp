// plugin/capability_check.cpp — the per-capability table checks (see the header).
#include "plugin/capability_check.hpp"

#include "plugin/abi_header.hpp"
#include "plugin/capability_names.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

namespace runtimo::plugin {
namespace {

namespace json = boost::json;

constexpr std::size_t kCapabilityV1Size =
    offsetof(rt_capability, execute) + sizeof(rt_capability::execute);
constexpr std::size_t kMaxNameBytes = 64;  // what is_valid_capability_name allows
constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr std::size_t kMaxSchemaBytes = 1 << 20;
// How many schema problems a rejection reason quotes.
constexpr std::size_t kQuotedProblems = 3;

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", static_cast<unsigned>(value));
  return text;
}

std::string describe_problems(const std::vector<schema::SchemaError> &problems) {
  std::string out;
  for (std::size_t i = 0; i < problems.size() && i < kQuotedProblems; ++i) {
    if (i > 0) out += "; ";
    out += (problems[i].path.empty() ? std::string("(root)") : problems[i].path) + ": " +
           problems[i].message;
  }
  if (problems.size() > kQuotedProblems) {
    out += " (and " + std::to_string(problems.size() - kQuotedProblems) + " more)";
  }
  return out;
}

}  // namespace

bool read_capability(const rt_capability *capability, std::size_t index,
                     std::string_view plugin_name, const std::filesystem::path &path,
                     schema::MetaVerdicts *verdicts, LoadedCapability &out, std::string &reason,
                     std::string &detail) {
  const std::string of_plugin = " of plugin " + std::string(plugin_name);
  std::string who = path.string() + ": capability #" + std::to_string(index) + of_plugin;
  // `text` follows `who`: ": the description is empty", " is NULL".
  const auto fail = [&](const std::string &text) {
    reason = who + text;
    detail = text.substr(text.starts_with(": ") ? 2 : text.starts_with(" ") ? 1 : 0);
    return false;
  };
  if (capability == nullptr) {
    return fail(" is NULL");
  }
  const std::uint32_t size = capability->struct_size;
  if (size < kCapabilityV1Size) {
    return fail(" has struct_size " + std::to_string(size) + ", less than the ABI 1.0 " +
             "rt_capability (" + std::to_string(kCapabilityV1Size) + " bytes)");
  }
  if (size > sizeof(rt_capability)) {
    return fail(" has struct_size " + std::to_string(size) + ", more than this host's " +
             "rt_capability (" + std::to_string(sizeof(rt_capability)) +
             " bytes): the table is corrupt or was built from a modified abi.h");
  }
  rt_capability cap;
  std::memset(&cap, 0, sizeof cap);
  std::memcpy(&cap, capability, size);

  out.flags = cap.flags;
  std::string problem;
  const auto name = read_c_string(cap.name, kMaxNameBytes, problem);
  if (!name) {
    return fail(": the capability name " + problem);
  }
  if (!is_valid_capability_name(*name)) {
    return fail(" is named \"" + std::string(*name) +
             "\", which is not a valid capability name: it must match "
             "[A-Za-z][A-Za-z0-9_]{0,63}");
  }
  out.name = std::string(*name);
  who = path.string() + ": capability " + out.name + of_plugin;

  const auto description = read_c_string(cap.description, kMaxDescriptionBytes, problem);
  if (!description) {
    return fail(": the description " + problem);
  }
  if (description->find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return fail(": the description is empty (it is what agents read to choose a tool)");
  }
  if (cap.validate == nullptr) {
    return fail(": validate is NULL");
  }
  if (cap.execute == nullptr) {
    return fail(": execute is NULL");
  }
  if ((cap.flags & ~RT_CAP_KNOWN_FLAGS) != 0) {
    return fail(": unknown flag bits " + hex(cap.flags & ~RT_CAP_KNOWN_FLAGS) +
             " (this host knows " + hex(RT_CAP_KNOWN_FLAGS) + ")");
  }

  const auto schema_text = read_c_string(cap.args_schema, kMaxSchemaBytes, problem);
  if (!schema_text) {
    return fail(": args_schema " + problem);
  }
  boost::system::error_code ec;
  json::value schema = json::parse(*schema_text, ec);
  if (ec) {
    return fail(": args_schema is not valid JSON (" + ec.message() + ")");
  }
  std::vector<schema::SchemaError> problems;
  const bool known = verdicts != nullptr && verdicts->passed(*schema_text);
  auto compiled = schema::CompiledSchema::compile(schema, problems, known);
  if (!compiled) {
    return fail(": args_schema is not an acceptable schema: " + describe_problems(problems));
  }
  if (verdicts != nullptr && !known) verdicts->record(*schema_text);

  out.description = std::string(*description);
  out.schema_text = std::string(*schema_text);
  out.schema = std::move(schema);
  out.compiled = std::move(compiled);
  out.validate = cap.validate;
  out.execute = cap.execute;
  return true;
}

}  // namespace runtimo::plugin
