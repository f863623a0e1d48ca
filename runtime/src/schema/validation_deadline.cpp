// schema/validation_deadline.cpp — see validation_deadline.hpp.
#include "schema/validation_deadline.hpp"

namespace runtimo::schema {
namespace {

thread_local std::optional<std::chrono::steady_clock::time_point> current_deadline;

}  // namespace

ValidationDeadline::ValidationDeadline(
    std::optional<std::chrono::steady_clock::time_point> deadline)
    : previous_(current_deadline) {
  current_deadline = deadline;
}

ValidationDeadline::~ValidationDeadline() {
  current_deadline = previous_;
}

void check_deadline() {
  if (current_deadline && std::chrono::steady_clock::now() >= *current_deadline) {
    throw DeadlinePassed();
  }
}

}  // namespace runtimo::schema
