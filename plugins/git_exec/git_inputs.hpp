// plugins/git_exec/git_inputs.hpp — what GitExec accepts beyond its JSON Schema: which
// arguments each op takes, and the values that reach git's command line (URLs, refs, branch
// names, author identity). Every check throws sdk::Error(RT_INVALID_ARGS) naming the argument
// and the value, with a hint, so that nothing git would read as an option, a remote helper
// (`ext::`), a local transport (`file://`) or a second argument gets through.
#pragma once

#include <runtimo/sdk.hpp>

#include <string>
#include <string_view>

namespace runtimo::git_exec {

enum class Op { status, diff, log, clone, pull, fetch, checkout, commit, revert, reset, clean };

Op op_of(std::string_view name);  // the schema's enum guarantees a known name
std::string_view name_of(Op op);
// Every op but status, diff and log changes the repository (or creates one, for clone).
bool mutates(Op op);

// The arguments as validate() accepted them: each op's own rules (which arguments it takes,
// which it needs, which exclude each other) and every value git will see.
void check_arguments(Op op, const boost::json::object &args);

// One value, as check_arguments judges it (exposed for the op-independent parts).
void check_url(std::string_view url);
void check_ref(std::string_view key, std::string_view ref);
void check_branch(std::string_view branch);

}  // namespace runtimo::git_exec
