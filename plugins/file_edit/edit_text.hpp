// plugins/file_edit/edit_text.hpp — the text side of FileEdit, with no I/O: is it UTF-8 text,
// which line endings and BOM it has, and the edits applied in order (each `old` exactly once
// unless replace_all), with messages that name the edit and hints that say what to do.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::file_edit {

struct Edit {
  std::string old_text;
  std::string new_text;
  bool replace_all = false;
};

// How the file's lines end: lf (also a file without any line break), crlf (every line break is
// \r\n), mixed (both \r\n and bare \n).
enum class Endings { lf, crlf, mixed };
std::string_view name_of(Endings endings);

inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The offset of the first byte that makes `text` not UTF-8 text — a malformed, overlong or
// surrogate sequence, or a NUL byte — or npos.
std::size_t binary_at(std::string_view text);

Endings endings_of(std::string_view text);

// `text` with every bare \n (one not after \r) written \r\n.
std::string to_crlf(std::string_view text);

struct Applied {
  std::string text;                      // the body after every edit
  std::size_t replacements = 0;          // over all edits
  std::vector<std::size_t> unchanged;    // 1-based numbers of edits whose old equals new
};

// Applies `edits` in order to `body` (the file's text after its BOM). For a CRLF file every
// bare \n of old and new is taken as \r\n first. Throws sdk::Error(RT_INVALID_ARGS) naming
// the edit and `path` when an old text is not found, is found more than once without
// replace_all, or the result would be larger than `max_bytes`.
Applied apply_edits(std::string_view body, const std::vector<Edit> &edits, Endings endings, std::string_view path,
                    std::size_t max_bytes);

}  // namespace runtimo::file_edit
