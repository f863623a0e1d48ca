// schema/meta_verdicts.cpp — see meta_verdicts.hpp.
#include "schema/meta_verdicts.hpp"

#include "util/digest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

namespace runtimo::schema {
namespace {

const std::string kHeader = std::string("runtimo ") + RUNTIMO_VERSION + " draft-07 meta-schema";

}  // namespace

MetaVerdicts::MetaVerdicts(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return;
  header_present_ = true;
  while (std::getline(in, line))
    if (line.size() == 64) known_.insert(line);
}

bool MetaVerdicts::passed(std::string_view schema_text) const {
  return !known_.empty() && known_.contains(util::sha256_hex(schema_text));
}

void MetaVerdicts::record(std::string_view schema_text) {
  std::string digest = util::sha256_hex(schema_text);
  if (!known_.contains(digest)) fresh_.insert(std::move(digest));
}

void MetaVerdicts::save() {
  if (fresh_.empty()) return;
  std::string text = header_present_ ? "" : kHeader + "\n";
  for (const auto &d : fresh_) text += d + "\n";
  // A file of another version is replaced; ours is appended to.
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (header_present_ ? O_APPEND : O_TRUNC);
  const int fd = ::open(file_.c_str(), flags, 0600);
  if (fd < 0) return;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) return;
  header_present_ = true;
  known_.merge(fresh_);
  fresh_.clear();
}

}  // namespace runtimo::schema
