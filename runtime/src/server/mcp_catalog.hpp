// server/mcp_catalog.hpp — what the runtime looks like through MCP: capabilities as tools
// (name, description, inputSchema, annotations from the flags), a job's result as a tool
// result, and the runtime's resources. Pure functions over the embedding API's types, so the
// mapping is written once and tested alone.
#pragma once

#include <runtimo/runtime.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace runtimo::server {

// "FileRead" → "file_read": the tool name clients accept everywhere ([a-z0-9_]{1,64}).
std::string tool_name(std::string_view capability);

// One entry of tools/list.
boost::json::object tool_of(const CapabilityInfo &capability);

// The result of tools/call for a job: the job's result as structuredContent (without its
// before/after snapshots, which stay in the journal; a change in processes is kept) and, for
// clients that read only text, the same JSON serialised in a text block; isError when it did not
// succeed (a refused argument, a policy refusal, a timeout, a crash), so the model can correct
// itself.
boost::json::object call_result(const JobResult &result);

// resources/list and resources/templates/list.
boost::json::array resources();
boost::json::array resource_templates();

// resources/read of `uri`: the contents array, or nullopt when there is no such resource.
std::optional<boost::json::array> read_resource(Runtime &runtime, std::string_view uri);

}  // namespace runtimo::server
