// schema/validation_deadline.hpp — the deadline of the validation running on this thread.
//
// Owns: how CompiledSchema::validate's deadline reaches the regular-expression matches, the
// only step of a validation that costs more than reading the document. valijson 1.0 gives
// the constraints it calls no per-call context, but it calls them synchronously on the
// validating thread, so validate() installs its deadline for the call's duration in a
// thread-local (ValidationDeadline), and Pattern::search calls check_deadline() before each
// match. A match itself is linear in its subject (RE2), so a deadline is overrun by at most
// one match.
#pragma once

#include <chrono>
#include <exception>
#include <optional>

namespace runtimo::schema {

// Thrown by check_deadline(); CompiledSchema::validate turns it into its deadline error.
struct DeadlinePassed final : std::exception {
  const char *what() const noexcept override { return "the validation deadline passed"; }
};

// Installs `deadline` (none: no limit) as this thread's validation deadline until destroyed,
// then restores the previous one.
class ValidationDeadline {
 public:
  explicit ValidationDeadline(std::optional<std::chrono::steady_clock::time_point> deadline);
  ~ValidationDeadline();
  ValidationDeadline(const ValidationDeadline &) = delete;
  ValidationDeadline &operator=(const ValidationDeadline &) = delete;

 private:
  std::optional<std::chrono::steady_clock::time_point> previous_;
};

// Throws DeadlinePassed when this thread's validation deadline has passed.
void check_deadline();

}  // namespace runtimo::schema
