// log/log.cpp — Boost.Log setup: one synchronous stderr sink with a severity filter and the
// job/plugin attributes.
#include "log/log.hpp"

#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/logger.hpp>
#include <boost/log/utility/manipulators/add_value.hpp>
#include <boost/core/null_deleter.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <string>

namespace runtimo::log {
namespace {

namespace bl = boost::log;
using Sink = bl::sinks::synchronous_sink<bl::sinks::text_ostream_backend>;

std::atomic<int> g_level{static_cast<int>(Level::warning)};
std::once_flag g_once;

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void install_sink() {
  auto backend = boost::make_shared<bl::sinks::text_ostream_backend>();
  backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
  backend->auto_flush(true);
  auto sink = boost::make_shared<Sink>(backend);
  sink->set_formatter([](const bl::record_view &rec, bl::formatting_ostream &out) {
    const auto level = rec["Level"].extract<int>();
    out << utc_now() << " runtimo[" << ::getpid() << "] "
        << level_name(static_cast<Level>(level ? *level : 0));
    if (auto job = rec["Job"].extract<std::string>(); job && !job->empty()) out << " job=" << *job;
    if (auto plugin = rec["Plugin"].extract<std::string>(); plugin && !plugin->empty())
      out << " plugin=" << *plugin;
    out << ": " << rec[bl::expressions::smessage];
  });
  bl::core::get()->add_sink(sink);
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  if (text == "trace") return Level::trace;
  if (text == "debug") return Level::debug;
  if (text == "info") return Level::info;
  if (text == "warning" || text == "warn") return Level::warning;
  if (text == "error") return Level::error;
  return std::nullopt;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "?";
}

void init(Level level) {
  set_level(level);
  std::call_once(g_once, install_sink);
}

void set_level(Level level) { g_level.store(static_cast<int>(level)); }

void write(Level level, std::string_view message, std::string_view job, std::string_view plugin) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::call_once(g_once, install_sink);
  thread_local bl::sources::logger logger;
  BOOST_LOG(logger) << bl::add_value("Level", static_cast<int>(level))
                    << bl::add_value("Job", std::string(job))
                    << bl::add_value("Plugin", std::string(plugin)) << message;
}

}  // namespace runtimo::log
