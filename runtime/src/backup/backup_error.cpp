// backup/backup_error.cpp — see backup_error.hpp.
#include "backup/backup_error.hpp"

#include <system_error>

namespace runtimo::backup {

std::string errno_text(int err) {
  return std::generic_category().message(err);
}

void throw_errno(std::string_view action, const std::filesystem::path &path, int err) {
  throw BackupError("cannot " + std::string(action) + " " + path.string() + ": " + errno_text(err));
}

}  // namespace runtimo::backup
