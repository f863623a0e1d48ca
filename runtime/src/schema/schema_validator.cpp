// schema/schema_validator.cpp — CompiledSchema on top of valijson 1.0 (draft-07 parser,
// Boost.JSON adapter) and RE2.
//
// compile() runs three gates in order and stops at the first that reports problems, so
// valijson only ever parses a schema that is structurally vetted:
//   1. keyword_allow_list: dialect, root type, allow-listed keywords, patterns compiled with
//      RE2 (kept in the CompiledSchema);
//   2. the draft-07 meta-schema (itself compiled once by valijson);
//   3. valijson's own parser, given the copy in which the regex keywords are Runtimo's
//      (valijson_schema.hpp); its exceptions become problems.
// validate() installs its deadline for the call (validation_deadline.hpp) and builds a fresh
// valijson::Validator per call over the shared, immutable schema, so it may run on any
// thread; the RE2 objects are shared (RE2 matching is thread-safe).

#include "schema/schema_validator.hpp"

#include "schema/enum_messages.hpp"

#include "schema/draft07_meta_schema.hpp"
#include "schema/json_pointer.hpp"
#include "schema/keyword_allow_list.hpp"
#include "schema/pattern.hpp"
#include "schema/validation_deadline.hpp"
#include "schema/valijson.hpp"
#include "schema/valijson_schema.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <exception>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace runtimo::schema {

struct CompiledSchema::Impl {
  Impl(const boost::json::value &source, PatternSet patterns)
      : source(source), patterns(std::move(patterns)), schema(this->source, this->patterns) {}
  boost::json::value source;
  PatternSet patterns;  // before `schema`, whose constraints point into it
  ValijsonSchema schema;
};

namespace {

namespace json = boost::json;

// valijson prints numbers with std::to_string ("less than or equal to 10.000000"): exactly six
// decimals after a space. Trim the zeros of those so messages read "10" and "2.5"; anything else
// (a property name such as 'v1.0') is left alone.
std::string tidy_numbers(const std::string &text) {
  const auto digit = [&](std::size_t at) {
    return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0;
  };
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const bool starts_number =
        digit(i) && (i == 0 || text[i - 1] == ' ' || (text[i - 1] == '-' && (i == 1 || text[i - 2] == ' ')));
    if (!starts_number) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = i;
    while (digit(end)) ++end;
    std::size_t frac_end = end + 1;
    while (digit(frac_end)) ++frac_end;
    const bool six_decimals = end < text.size() && text[end] == '.' && frac_end - end - 1 == 6 &&
                              (frac_end == text.size() ||
                               std::isalnum(static_cast<unsigned char>(text[frac_end])) == 0);
    if (!six_decimals) {
      out.append(text, i, end - i);
      i = end;
      continue;
    }
    std::size_t keep = frac_end;
    while (text[keep - 1] == '0') --keep;
    if (keep == end + 1) keep = end;  // all zeros: drop the '.' too
    out.append(text, i, keep - i);
    i = frac_end;
  }
  return out;
}

// valijson's context is {"<root>", "[name]", "[0]", ...}; the pointer is "/name/0".
std::string pointer_from_context(const std::vector<std::string> &context) {
  std::string pointer;
  for (std::size_t i = 1; i < context.size(); ++i) {
    std::string_view token = context[i];
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    pointer = append_token(pointer, token);
  }
  return pointer;
}

// valijson reports, above each failure, one error per enclosing schema that only says "a child
// failed" (property, item, additionalProperties, anyOf/oneOf branch). They carry no information
// of their own.
bool is_wrapper(const std::string &message) {
  static constexpr std::string_view kWrappers[] = {
      "Failed to validate against schema associated with property name",
      "Failed to validate against schema associated with pattern",
      "Failed to validate against additional properties schema",
      "Failed to validate against child schema",
      "Failed to validate against dependent schema",
      "Failed to validate item #",
  };
  for (const std::string_view prefix : kWrappers) {
    if (message.starts_with(prefix)) return true;
  }
  return false;
}

// Every error valijson reports for `document`, deduplicated, most specific first: errors that
// say what is wrong before the wrappers that only say a child failed, and deeper paths first
// within each group. Wrappers are dropped when `keep_wrappers` is false.
std::vector<SchemaError> run_validator(const valijson::Schema &schema, const json::value &document,
                                       bool keep_wrappers) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  const valijson::adapters::BoostJsonAdapter target(document);
  validator.validate(schema, target, &results);

  struct Ranked {
    bool wrapper;
    std::size_t depth;
    SchemaError error;
  };
  std::vector<Ranked> ranked;
  std::set<std::pair<std::string, std::string>> seen;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    SchemaError converted{pointer_from_context(error.context), tidy_numbers(error.description)};
    if (!seen.emplace(converted.path, converted.message).second) continue;
    ranked.push_back({is_wrapper(converted.message), error.context.size(), std::move(converted)});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked &a, const Ranked &b) {
    if (a.wrapper != b.wrapper) return !a.wrapper;
    return a.depth > b.depth;
  });
  const bool only_wrappers =
      std::all_of(ranked.begin(), ranked.end(), [](const Ranked &r) { return r.wrapper; });
  std::vector<SchemaError> out;
  out.reserve(ranked.size());
  for (Ranked &r : ranked) {
    if (r.wrapper && !keep_wrappers && !only_wrappers) continue;
    out.push_back(std::move(r.error));
  }
  return out;
}

// The draft-07 meta-schema, compiled on first use (thread-safe static initialisation) by
// valijson's parser as it is: it has no pattern or regex format (valijson_schema.hpp).
const valijson::Schema &meta_schema() {
  static const std::unique_ptr<const valijson::Schema> compiled = [] {
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    const json::value document = json::parse(kDraft07MetaSchemaText);
    parser.populateSchema(valijson::adapters::BoostJsonAdapter(document), *schema);
    return schema;
  }();
  return *compiled;
}

}  // namespace

CompiledSchema::CompiledSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledSchema::~CompiledSchema() = default;

std::shared_ptr<const CompiledSchema> CompiledSchema::compile(const json::value &schema,
                                                              std::vector<SchemaError> &problems,
                                                              bool meta_checked) {
  const std::size_t before = problems.size();
  PatternSet patterns;
  check_schema_structure(schema, problems, patterns);
  if (problems.size() != before) return nullptr;

  try {
    std::vector<SchemaError> meta;
    if (!meta_checked) meta = run_validator(meta_schema(), schema, /*keep_wrappers=*/false);
    if (!meta.empty()) {
      for (SchemaError &e : meta) {
        e.message = "does not conform to the draft-07 meta-schema: " + e.message;
        problems.push_back(std::move(e));
      }
      return nullptr;
    }
    auto impl = std::make_unique<Impl>(schema, std::move(patterns));
    return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(impl)));
  } catch (const std::exception &e) {
    problems.push_back({"", std::string("the schema cannot be compiled: ") + e.what()});
    return nullptr;
  }
}

std::vector<SchemaError> CompiledSchema::validate(
    const json::value &document,
    std::optional<std::chrono::steady_clock::time_point> deadline) const {
  try {
    const ValidationDeadline in_force(deadline);
    check_deadline();
    std::vector<SchemaError> errors =
        run_validator(impl_->schema.root(), document, /*keep_wrappers=*/true);
    explain_enum_errors(impl_->source, document, errors);
    return errors;
  } catch (const DeadlinePassed &) {
    return {SchemaError{"", std::string(kDeadlinePassedMessage)}};
  } catch (const std::exception &e) {
    // Not expected (patterns are checked at compile time); never let it reach the caller.
    return {SchemaError{"", std::string("the arguments could not be validated: ") + e.what()}};
  }
}

}  // namespace runtimo::schema
