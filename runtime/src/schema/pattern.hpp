// schema/pattern.hpp — the regular expressions of a schema, on RE2.
//
// Owns: the one way a "pattern", a "patternProperties" name or a regex "format" is compiled
// and matched. JSON Schema patterns are ECMA-262 regular expressions applied unanchored
// (a search, not a full match: "b" matches "abc"). Runtimo runs them with RE2 in UTF-8 mode,
// whose matching time is linear in the subject, not with std::regex, which backtracks
// (`^(a+)+$` against 35 bytes of "aaa…!" does not finish) and recurses once per character (a
// long string overflows the stack).
//
// RE2 is ECMA-262 without the constructs that need backtracking. A pattern RE2 cannot compile
// is refused when its schema is compiled, with RE2's reason: backreferences (\1), lookahead
// and lookbehind ((?=, (?!, (?<=, (?<!), possessive quantifiers (a*+), \uXXXX escapes (write
// \x{XXXX}), named groups written (?<name>…) (write (?P<name>…)), repetitions over 1000. So is
// a pattern longer than kMaxPatternBytes (not even parsed) or whose compiled program needs
// more than kMaxPatternMemory. What still differs from ECMA-262: \d, \w, \s and \b are ASCII
// ([0-9], [0-9A-Za-z_], [\t\n\f\r ]), and '.' matches every character but '\n'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace runtimo::schema {

// The longest pattern a schema may hold (real ones are under 200 bytes).
inline constexpr std::size_t kMaxPatternBytes = 4096;
// RE2::Options::max_mem of each pattern: its program and its matching caches (RE2 falls back
// to a slower linear matcher when the caches are full; compilation fails when the program
// alone needs more). Counted repetitions of Unicode classes are what reaches it:
// `[\p{L}\p{N}]{1,10}` compiles (13 000 instructions, ~50 ms), `[\p{L}\p{N}]{1,64}` does not
// (it would be 86 000 instructions, 8 MB and 260 ms, at every start of a command).
inline constexpr std::int64_t kMaxPatternMemory = std::int64_t{1} << 20;

class Pattern {
 public:
  // Compiles `text`. On failure returns nullptr and sets `why` to the rest of a sentence that
  // starts with the keyword ("…is not a valid RE2 regular expression: "(a)\\1" (invalid
  // escape sequence: \1): use a pattern without backreferences or lookaround (RE2 syntax)").
  static std::unique_ptr<const Pattern> compile(std::string_view text, std::string &why);
  ~Pattern();
  Pattern(const Pattern &) = delete;
  Pattern &operator=(const Pattern &) = delete;

  // The pattern as a JSON string, cut after 80 bytes ("\"^[a-z]+$\""), for messages.
  const std::string &quoted() const { return quoted_; }

  // True when `subject` contains a match (unanchored). Thread-safe. First checks this
  // thread's validation deadline (validation_deadline.hpp): throws DeadlinePassed.
  bool search(std::string_view subject) const;

 private:
  Pattern(std::unique_ptr<re2::RE2> compiled, std::string quoted);
  std::unique_ptr<re2::RE2> re_;
  std::string quoted_;
};

// The patterns of one schema, each distinct text compiled once when the schema is checked
// (keyword_allow_list.hpp) and then shared, read-only, by every validation.
class PatternSet {
 public:
  // The compiled `text`, compiling it on first sight. nullptr + `why` when it cannot be.
  const Pattern *add(std::string_view text, std::string &why);
  // The compiled `text`, or nullptr when add() did not compile it.
  const Pattern *find(std::string_view text) const;

 private:
  std::map<std::string, std::unique_ptr<const Pattern>, std::less<>> by_text_;
};

}  // namespace runtimo::schema
