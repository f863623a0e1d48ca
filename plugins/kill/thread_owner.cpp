// plugins/kill/thread_owner.cpp — see thread_owner.hpp.
#include "thread_owner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>
#include <string_view>

namespace runtimo::kill {

std::optional<std::int64_t> owning_process(sdk::Job &job, std::int64_t tid) {
  int fd = -1;
  const std::string path = "/proc/" + std::to_string(tid) + "/status";
  if (job.open_path(path, RT_ACCESS_READ, O_RDONLY, &fd, nullptr) != RT_OK) return std::nullopt;
  char buf[4096];  // Tgid is the fourth line, well inside the first page
  ssize_t n = -1;
  do {
    n = ::pread(fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  const std::string_view status(buf, static_cast<std::size_t>(n));
  const std::size_t at = status.find("\nTgid:");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t pos = status.find_first_not_of(" \t", at + 6);
  if (pos == std::string_view::npos) return std::nullopt;
  std::int64_t tgid = 0;
  const auto [end, err] = std::from_chars(status.data() + pos, status.data() + status.size(), tgid);
  if (err != std::errc() || tgid <= 0) return std::nullopt;
  return tgid;
}

}  // namespace runtimo::kill
