// plugins/git_exec/git_output.cpp — see git_output.hpp.
#include "git_output.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace runtimo::git_exec {
namespace {

namespace json = boost::json;

// Where the spawn service's "\n[... N bytes omitted ...]\n" marker starts, or npos.
std::size_t omission_marker(std::string_view text) {
  constexpr std::string_view open = "\n[... ", close = " bytes omitted ...]\n";
  for (std::size_t at = text.find(open); at != std::string_view::npos;
       at = text.find(open, at + 1)) {
    std::size_t i = at + open.size();
    const std::size_t digits = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i > digits && text.substr(i).starts_with(close)) return at;
  }
  return std::string_view::npos;
}

// The NUL-terminated records of `text` (a last record without its NUL is kept too: git always
// terminates, so that is only ever the empty remainder).
std::vector<std::string_view> records(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nul = text.find('\0');
    out.push_back(text.substr(0, nul));
    if (nul == std::string_view::npos) break;
    text.remove_prefix(nul + 1);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep, std::size_t max_fields) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_fields) {
    const auto at = text.find(sep);
    if (at == std::string_view::npos) break;
    out.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  out.push_back(text);  // the last field keeps any further separators (a subject may hold one)
  return out;
}

}  // namespace

std::string_view whole_records(std::string_view stdout_text, bool truncated) {
  if (!truncated) return stdout_text;
  std::string_view head = stdout_text.substr(0, omission_marker(stdout_text));
  const auto last_nul = head.rfind('\0');
  return last_nul == std::string_view::npos ? std::string_view{} : head.substr(0, last_nul + 1);
}

Parsed parse_status(std::string_view stdout_text, bool truncated, std::string *branch_line) {
  Parsed p;
  p.complete = !truncated;
  const auto recs = records(whole_records(stdout_text, truncated));
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const std::string_view r = recs[i];
    if (r.starts_with("## ")) {
      if (branch_line != nullptr) *branch_line = std::string(r.substr(3));
      continue;
    }
    if (r.size() < 4 || r[2] != ' ') continue;
    json::object e{{"path", r.substr(3)}, {"index", r.substr(0, 1)}, {"worktree", r.substr(1, 1)}};
    // A rename or copy is followed by its original path, as a record of its own.
    const bool moved = r[0] == 'R' || r[0] == 'C' || r[1] == 'R' || r[1] == 'C';
    if (moved && i + 1 < recs.size()) e["from"] = recs[++i];
    p.items.push_back(std::move(e));
  }
  return p;
}

Parsed parse_log(std::string_view stdout_text, bool truncated) {
  Parsed p;
  p.complete = !truncated;
  for (std::string_view r : records(whole_records(stdout_text, truncated))) {
    while (!r.empty() && r.front() == '\n') r.remove_prefix(1);
    if (r.empty()) continue;
    const auto f = split(r, '\x1f', 5);
    if (f.size() < 5) continue;
    p.items.push_back(json::object{
        {"commit", f[0]}, {"author", f[1]}, {"email", f[2]}, {"date", f[3]}, {"subject", f[4]}});
  }
  return p;
}

}  // namespace runtimo::git_exec
