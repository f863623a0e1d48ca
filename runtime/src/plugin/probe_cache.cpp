// plugin/probe_cache.cpp — see the header.
#include "plugin/probe_cache.hpp"

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace runtimo::plugin {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kHeader = std::string("runtimo ") + RUNTIMO_VERSION + " plugin probes, ABI " +
                            std::to_string(RT_ABI_MAJOR) + "." + std::to_string(RT_ABI_MINOR) +
                            "\n";
constexpr std::size_t kMaxBytes = 1u << 20;

// "<key> <quoted path> ", what a line of `plugin` at `identity` begins with.
std::string line_key(const fs::path &plugin, const FileIdentity &identity) {
  return identity.key() + " " + json::serialize(json::string_view(plugin.native())) + " ";
}

bool write_all(int fd, const std::string &text) {
  return ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

ProbeCache::ProbeCache(fs::path file) : file_(std::move(file)) {
  const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return;
  struct stat st {};
  std::string text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::size_t>(st.st_size) <= 2 * kMaxBytes) {
    text.resize(static_cast<std::size_t>(st.st_size));
    const ssize_t n = ::read(fd, text.data(), text.size());
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  ::close(fd);
  if (!text.starts_with(kHeader)) return;
  ours_ = true;
  text_ = text.substr(kHeader.size() - 1);  // keep the header's '\n': every line follows one
  torn_tail_ = !text_.ends_with('\n');
}

std::optional<ProbeVerdict> ProbeCache::find(const fs::path &plugin,
                                             const FileIdentity &identity) const {
  const std::string key = "\n" + line_key(plugin, identity);
  const std::size_t at = text_.rfind(key);  // the latest, should runners have raced
  if (at == std::string::npos) return std::nullopt;
  const std::size_t begin = at + key.size();
  const std::size_t end = text_.find('\n', begin);
  if (end == std::string::npos) return std::nullopt;  // a torn last line
  const std::string_view line = std::string_view(text_).substr(begin, end - begin);
  // The verdict of every known-good file, on the path of every command: recognised without
  // parsing (to_json writes "outcome" first); the host learns the rest from its own load.
  if (line.starts_with(R"({"outcome":"passed")")) {
    ProbeVerdict passed;
    passed.outcome = ProbeOutcome::passed;
    return passed;
  }
  boost::system::error_code ec;
  const json::value value = json::parse(line, ec);
  if (ec) return std::nullopt;
  return ProbeVerdict::from_json(value);
}

void ProbeCache::remember(const fs::path &plugin, const FileIdentity &identity,
                          const ProbeVerdict &verdict) {
  if (!verdict.worth_remembering()) return;
  std::string line = line_key(plugin, identity) + json::serialize(verdict.to_json(false)) + "\n";
  if (!text_.ends_with('\n')) text_ += '\n';  // find() sees it at once
  text_ += line;
  fresh_.push_back(std::move(line));
}

void ProbeCache::save() {
  if (fresh_.empty()) return;
  std::string lines = torn_tail_ ? "\n" : "";
  for (const std::string &line : fresh_) lines += line;
  if (ours_ && text_.size() <= kMaxBytes) {
    const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return;
    const bool ok = write_all(fd, lines);
    ::close(fd);
    if (ok) fresh_.clear(), torn_tail_ = false;
    return;
  }
  // Another host's file, none, or one grown too big: start again with this save's verdicts.
  const fs::path temporary = file_.string() + ".tmp." + std::to_string(::getpid());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  const bool ok = write_all(fd, kHeader + lines);
  ::close(fd);
  if (!ok || ::rename(temporary.c_str(), file_.c_str()) != 0) {
    ::unlink(temporary.c_str());
    return;
  }
  ours_ = true;
  torn_tail_ = false;
  fresh_.clear();
}

}  // namespace runtimo::plugin
