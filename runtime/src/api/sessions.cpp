// api/sessions.cpp — sessions of the embedding API: created and closed as journal events
// (session.created, session.closed, whose "job" is empty), everything else derived by reading
// the journal (a session's jobs are the jobs whose job.started names it).
#include <runtimo/runtime.hpp>

#include "util/ids.hpp"
#include "util/json_members.hpp"
#include "wal/event_types.hpp"
#include "wal/journal.hpp"

#include <boost/json.hpp>

#include <map>
#include <stdexcept>

namespace runtimo {
namespace {


// Every session the journal knows, in the order they were created.
std::vector<SessionSummary> read_sessions(const std::filesystem::path &journal_dir) {
  std::vector<SessionSummary> out;
  std::map<std::string, std::size_t> index;
  if (!std::filesystem::is_directory(journal_dir)) return out;
  for (const auto &r : wal::tail_journal(journal_dir, 0)) {
    const std::string type = util::string_member(r.event, "type");
    const std::string id = util::string_member(r.event, "session");
    if (id.empty()) continue;
    if (type == wal::event::session_created) {
      index[id] = out.size();
      out.push_back(SessionSummary{id, util::string_member(r.event, "name"), util::string_member(r.event, "ts"), {}, {}});
    } else if (auto it = index.find(id); it != index.end()) {
      if (type == wal::event::session_closed) out[it->second].closed = util::string_member(r.event, "ts");
      else if (type == wal::event::started) out[it->second].jobs.push_back(util::string_member(r.event, "job"));
    }
  }
  return out;
}

}  // namespace

boost::json::value SessionSummary::to_json() const {
  boost::json::array ids;
  for (const auto &j : jobs) ids.emplace_back(j);
  return boost::json::object{{"session", id}, {"name", name}, {"created", created},
                             {"closed", closed.empty() ? boost::json::value(nullptr) : boost::json::value(closed)},
                             {"open", closed.empty()}, {"jobs", std::move(ids)}};
}

std::string Runtime::create_session(std::string_view name) {
  if (name.size() > 256) throw std::invalid_argument("a session name is at most 256 bytes");
  const std::string id = util::new_id();
  append_runtime_event(wal::event::session_created, boost::json::object{{"session", id}, {"name", name}});
  return id;
}

void Runtime::close_session(std::string_view id) {
  const auto s = session(id);
  if (!s) throw std::invalid_argument("no session " + std::string(id) + " in the journal");
  if (!s->closed.empty()) throw std::invalid_argument("session " + std::string(id) + " was closed at " + s->closed);
  append_runtime_event(wal::event::session_closed, boost::json::object{{"session", id}});
}

std::vector<SessionSummary> Runtime::sessions() const { return read_sessions(journal_dir()); }

std::optional<SessionSummary> Runtime::session(std::string_view id) const {
  for (auto &s : read_sessions(journal_dir()))
    if (s.id == id) return std::move(s);
  return std::nullopt;
}

}  // namespace runtimo
