// plugins/file_edit/edit_text.cpp — see edit_text.hpp. Searching uses memmem (glibc's two-way
// algorithm: linear in the text whatever `old` is), so an edit costs O(file) however it is
// written, and a hint is looked for only when an edit fails.
#include "edit_text.hpp"

#include "text_encoding.hpp"  // plugins/shared/

#include <runtimo/sdk.hpp>

#include <string.h>

#include <algorithm>
#include <optional>

namespace runtimo::file_edit {
namespace {

using sdk::Error;

// The offset of the first `needle` in `hay` at or after `from`, or npos.
std::size_t find_in(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (from > hay.size() || needle.size() > hay.size() - from) return std::string_view::npos;
  const void *p = ::memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return p == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char *>(p) - hay.data());
}

bool contains(std::string_view hay, std::string_view needle) { return find_in(hay, needle) != std::string_view::npos; }

// The 1-based line of `offset` in `text`.
std::size_t line_at(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string_view trimmed(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// At most `max` bytes of `s`, cut at a UTF-8 boundary, "…" when cut.
std::string shown(std::string_view s, std::size_t max = 80) {
  if (s.size() <= max) return std::string(s);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "\xE2\x80\xA6";
}

std::string from_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

// What to tell the caller when edit `number`'s old text is not in `text`: the likeliest reason
// found by cheap checks, else to read the file again.
std::string not_found_hint(std::string_view text, std::string_view original, std::string_view old, std::size_t number,
                           Endings endings) {
  if (number > 1 && contains(original, old))
    return "the file held this text before the earlier edits of this job changed it: edits apply in order, each "
           "to the text the ones before it left, so write old as that text";
  if (endings != Endings::crlf && old.find('\n') != std::string_view::npos && contains(text, to_crlf(old)))
    return "the lines of this text end in \\r\\n in the file: write old with \\r\\n there";
  if (old.find("\r\n") != std::string_view::npos && contains(text, from_crlf(old)))
    return "the lines of this text end in \\n in the file, not \\r\\n: write old with \\n";
  std::string_view first = old;
  while (!first.empty() && trimmed(first.substr(0, first.find('\n'))).empty() && first.find('\n') != std::string_view::npos)
    first.remove_prefix(first.find('\n') + 1);
  const std::string_view key = trimmed(first.substr(0, first.find('\n')));
  if (!key.empty()) {
    std::optional<std::size_t> equal, containing;
    std::size_t line = 1;
    for (std::size_t at = 0; at < text.size() && !equal; ++line) {
      const std::size_t nl = text.find('\n', at);
      const std::string_view this_line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
      if (trimmed(this_line) == key) equal = line;
      else if (!containing && contains(this_line, key)) containing = line;
      at = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    if (equal || containing)
      return "line " + std::to_string(equal ? *equal : *containing) + (equal ? " is" : " contains") +
             " the first line of old (\"" + shown(key) +
             "\") but what follows, or the spaces and tabs, differ: read the file again there and copy old exactly";
  }
  return "the file does not hold this text (it may have changed since you read it): read it again and copy old "
         "exactly, spaces, tabs and line breaks included";
}

std::string edit_name(std::size_t number, std::string_view path) {
  return "edit " + std::to_string(number) + " of " + std::string(path);
}

}  // namespace

std::string_view name_of(Endings endings) {
  switch (endings) {
    case Endings::lf: return "lf";
    case Endings::crlf: return "crlf";
    case Endings::mixed: return "mixed";
  }
  return "lf";
}

std::size_t binary_at(std::string_view text) {
  return std::min(text.find('\0'), shared::first_invalid_utf8(text));
}

Endings endings_of(std::string_view text) {
  bool crlf = false, bare = false;
  for (std::size_t at = text.find('\n'); at != std::string_view::npos && !(crlf && bare); at = text.find('\n', at + 1))
    (at > 0 && text[at - 1] == '\r' ? crlf : bare) = true;
  return crlf && !bare ? Endings::crlf : crlf && bare ? Endings::mixed : Endings::lf;
}

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

Applied apply_edits(std::string_view body, const std::vector<Edit> &edits, Endings endings, std::string_view path,
                    std::size_t max_bytes) {
  Applied out;
  out.text = std::string(body);
  for (std::size_t e = 0; e < edits.size(); ++e) {
    const std::size_t number = e + 1;
    const std::string old_text = endings == Endings::crlf ? to_crlf(edits[e].old_text) : edits[e].old_text;
    const std::string new_text = endings == Endings::crlf ? to_crlf(edits[e].new_text) : edits[e].new_text;
    std::vector<std::size_t> at;
    for (std::size_t p = find_in(out.text, old_text); p != std::string_view::npos; p = find_in(out.text, old_text, p + old_text.size()))
      at.push_back(p);
    if (at.empty())
      throw Error(RT_INVALID_ARGS, edit_name(number, path) + ": old text not found; nothing was written",
                  not_found_hint(out.text, body, old_text, number, endings));
    if (at.size() > 1 && !edits[e].replace_all) {
      std::string lines;
      for (std::size_t i = 0; i < at.size() && i < 5; ++i)
        lines += (i == 0 ? "" : i + 1 == at.size() ? " and " : ", ") + std::to_string(line_at(out.text, at[i]));
      if (at.size() > 5) lines += ", …";
      throw Error(RT_INVALID_ARGS,
                  edit_name(number, path) + ": old text found " + std::to_string(at.size()) + " times (lines " + lines +
                      "), but it must match exactly once; nothing was written",
                  "include more of the lines around the one you mean in old (and new) so that it matches once, or "
                  "set replace_all to change every occurrence");
    }
    const std::size_t removed = at.size() * old_text.size(), added = at.size() * new_text.size();
    if (out.text.size() - removed > max_bytes || added > max_bytes - (out.text.size() - removed))
      throw Error(RT_INVALID_ARGS,
                  edit_name(number, path) + " would make the file larger than " + std::to_string(max_bytes >> 20) +
                      " MiB; nothing was written",
                  "write a file that large with FileWrite");
    if (old_text == new_text) {
      out.unchanged.push_back(number);
    } else {
      std::string next;
      next.reserve(out.text.size() - removed + added);
      std::size_t from = 0;
      for (const std::size_t p : at) {
        next.append(out.text, from, p - from);
        next += new_text;
        from = p + old_text.size();
      }
      next.append(out.text, from, std::string::npos);
      out.text = std::move(next);
    }
    out.replacements += at.size();
  }
  return out;
}

}  // namespace runtimo::file_edit
