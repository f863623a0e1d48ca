// log/log.hpp — the runtime's logging facade over Boost.Log. Only log.cpp includes Boost.Log.
//
// Records go to stderr, one line each, tagged with the job id and plugin when known:
//   2026-11-28T04:06:26.123Z runtimo[4242] warning job=1f.. plugin=kill: message
#pragma once

#include <optional>
#include <string_view>

namespace runtimo::log {

enum class Level { trace = 0, debug, info, warning, error };

std::optional<Level> parse_level(std::string_view text);
std::string_view level_name(Level level);

// Installs the stderr sink once (later calls only change the level). Thread-safe.
void init(Level level);
void set_level(Level level);

void write(Level level, std::string_view message, std::string_view job = {},
           std::string_view plugin = {});

}  // namespace runtimo::log
