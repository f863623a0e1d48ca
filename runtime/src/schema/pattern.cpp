// schema/pattern.cpp — RE2 options, refusal reasons and the deadline-checked search (see
// pattern.hpp).
#include "schema/pattern.hpp"

#include "schema/validation_deadline.hpp"

#include <re2/re2.h>

#include <boost/json.hpp>

#include <utility>

namespace runtimo::schema {
namespace {

// How much of a pattern, and of RE2's reason (which quotes the rest of the pattern from the
// fault on), a message repeats.
constexpr std::size_t kQuotedBytes = 80;

// The first `limit` bytes of `text`, cut at a UTF-8 character boundary.
std::string_view head(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  return text.substr(0, limit);
}

// `text` as a JSON string, cut after kQuotedBytes and then marked with "…".
std::string quote(std::string_view text) {
  const std::string_view kept = head(text, kQuotedBytes);
  return boost::json::serialize(boost::json::string(kept)) + (kept.size() < text.size() ? "…" : "");
}

// What the author can do about RE2's refusal.
std::string_view hint_for(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorPatternTooLarge:
      return "use smaller counted repetitions: bound the length with \"maxLength\" and repeat "
             "with + or *";
    case RE2::ErrorBadUTF8:
      return "write the pattern in UTF-8";
    default:
      return "use a pattern without backreferences or lookaround (RE2 syntax)";
  }
}

}  // namespace

std::unique_ptr<const Pattern> Pattern::compile(std::string_view text, std::string &why) {
  if (text.size() > kMaxPatternBytes) {
    why = "is " + std::to_string(text.size()) + " bytes long, more than a pattern may be (" +
          std::to_string(kMaxPatternBytes) + " bytes): " + quote(text) +
          ": shorten it, or list the accepted values with \"enum\"";
    return nullptr;
  }
  RE2::Options options;  // UTF-8, leftmost-first (as ECMA-262), Perl classes and \b allowed
  options.set_log_errors(false);
  options.set_never_capture(true);  // a search needs no groups; it makes matching cheaper
  options.set_max_mem(kMaxPatternMemory);
  auto compiled = std::make_unique<RE2>(re2::StringPiece(text.data(), text.size()), options);
  if (!compiled->ok()) {
    why = "is not a valid RE2 regular expression: " + quote(text) + " (" +
          std::string(head(compiled->error(), kQuotedBytes)) +
          "): " + std::string(hint_for(compiled->error_code()));
    return nullptr;
  }
  return std::unique_ptr<const Pattern>(new Pattern(std::move(compiled), quote(text)));
}

Pattern::Pattern(std::unique_ptr<RE2> compiled, std::string quoted)
    : re_(std::move(compiled)), quoted_(std::move(quoted)) {}

Pattern::~Pattern() = default;

bool Pattern::search(std::string_view subject) const {
  check_deadline();
  return RE2::PartialMatch(re2::StringPiece(subject.data(), subject.size()), *re_);
}

const Pattern *PatternSet::add(std::string_view text, std::string &why) {
  if (const Pattern *known = find(text)) return known;
  std::unique_ptr<const Pattern> compiled = Pattern::compile(text, why);
  if (!compiled) return nullptr;
  return by_text_.emplace(std::string(text), std::move(compiled)).first->second.get();
}

const Pattern *PatternSet::find(std::string_view text) const {
  const auto it = by_text_.find(text);
  return it == by_text_.end() ? nullptr : it->second.get();
}

}  // namespace runtimo::schema
