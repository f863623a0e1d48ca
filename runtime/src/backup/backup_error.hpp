// backup/backup_error.hpp — the one error type of the backup module, and the message shape
// every failed system call turns into: "cannot <action> <path>: <errno text>".
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace runtimo::backup {

// Everything the backup module refuses or fails to do: the message says what was wrong, on
// which path, and (for a failed system call) the errno text.
struct BackupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The text of an errno value ("No space left on device").
std::string errno_text(int err);

// Throws BackupError("cannot <action> <path>: <errno text>").
[[noreturn]] void throw_errno(std::string_view action, const std::filesystem::path &path, int err);

}  // namespace runtimo::backup
