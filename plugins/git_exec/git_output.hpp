// plugins/git_exec/git_output.hpp — git's machine-readable output as JSON: `status
// --porcelain=v1 -z --branch` and `log -z` with GitExec's fixed format (see git_command.cpp).
//
// When the spawn service truncated stdout it keeps the head and the tail with a marker between
// ("\n[... N bytes omitted ...]\n"); only the head is parsed then, without its last record (which
// may be cut), and the result says it is incomplete.
#pragma once

#include <boost/json.hpp>

#include <string_view>

namespace runtimo::git_exec {

struct Parsed {
  boost::json::array items;
  bool complete = true;
};

// The head of a stdout the spawn service truncated, cut after its last whole NUL-terminated
// record; `stdout_text` itself when it was not truncated.
std::string_view whole_records(std::string_view stdout_text, bool truncated);

// [{path, index, worktree[, from]}] from `status --porcelain=v1 -z`: index and worktree are
// git's X and Y letters ("M", "A", "D", "R", "C", "U", "?", "!" or " "); `from` is the
// original path of a rename or copy. The `## ...` branch line goes to `*branch_line`.
Parsed parse_status(std::string_view stdout_text, bool truncated, std::string *branch_line);

// [{commit, author, email, date, subject}] from GitExec's `log -z` format.
Parsed parse_log(std::string_view stdout_text, bool truncated);

}  // namespace runtimo::git_exec
