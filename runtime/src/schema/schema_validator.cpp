// schema/schema_validator.cpp — CompiledSchema on top of valijson 1.0 (draft-07 parser,
// Boost.JSON adapter). The only translation unit that includes valijson.
//
// compile() runs three gates in order and stops at the first that reports problems, so
// valijson only ever parses a schema that is structurally vetted:
//   1. keyword_allow_list: dialect, root type, allow-listed keywords, compilable patterns;
//   2. the draft-07 meta-schema (itself compiled once by valijson);
//   3. valijson's own parser (its exceptions become problems).
// validate() first keeps over-long strings away from std::regex (pattern_guard.hpp), then
// builds a fresh valijson::Validator per call (it holds a regex cache that is not
// thread-safe) over the shared, immutable valijson::Schema, so it may run on any thread.

// valijson aborts the process on a parse error unless exceptions are enabled.
#define VALIJSON_USE_EXCEPTIONS 1

#include "schema/schema_validator.hpp"

#include "schema/enum_messages.hpp"

#include "schema/draft07_meta_schema.hpp"
#include "schema/json_pointer.hpp"
#include "schema/keyword_allow_list.hpp"
#include "schema/pattern_guard.hpp"

#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

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
  explicit Impl(const boost::json::value &source) : source(source), guard(source) {}
  boost::json::value source;
  PatternGuard guard;
  valijson::Schema schema;
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

// Parses `document` into `out` with valijson's draft-07 parser (no remote references).
void parse_schema(const json::value &document, valijson::Schema &out) {
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  const valijson::adapters::BoostJsonAdapter adapter(document);
  parser.populateSchema(adapter, out);
}

// The draft-07 meta-schema, compiled on first use (thread-safe static initialisation).
const valijson::Schema &meta_schema() {
  static const std::unique_ptr<const valijson::Schema> compiled = [] {
    auto schema = std::make_unique<valijson::Schema>();
    parse_schema(json::parse(kDraft07MetaSchemaText), *schema);
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
  check_schema_structure(schema, problems);
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
    auto impl = std::make_unique<Impl>(schema);
    parse_schema(schema, impl->schema);
    return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(impl)));
  } catch (const std::exception &e) {
    problems.push_back({"", std::string("the schema cannot be compiled: ") + e.what()});
    return nullptr;
  }
}

std::vector<SchemaError> CompiledSchema::validate(const json::value &document) const {
  try {
    // std::regex would overflow the stack on an over-long string: refuse before valijson runs.
    std::vector<SchemaError> too_long;
    impl_->guard.check(document, too_long);
    if (!too_long.empty()) return too_long;
    std::vector<SchemaError> errors = run_validator(impl_->schema, document, /*keep_wrappers=*/true);
    explain_enum_errors(impl_->source, document, errors);
    return errors;
  } catch (const std::exception &e) {
    // Not expected (patterns are checked at compile time); never let it reach the caller.
    return {SchemaError{"", std::string("the arguments could not be validated: ") + e.what()}};
  }
}

}  // namespace runtimo::schema
