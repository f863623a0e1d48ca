// plugin/elf_symbols.hpp — the symbols a shared object exports, read from its ELF dynamic
// symbol table without loading it.
//
// Owns: finding SHT_DYNSYM and its string table through the section headers, and the rule for
// "exported": defined (not SHN_UNDEF), binding GLOBAL, WEAK or GNU_UNIQUE, visibility DEFAULT
// or PROTECTED, a function, object, TLS or indirect function with a name (version nodes and
// section symbols are not exports). Every offset and size is checked against the file, so a
// hostile file yields an error, never a crash. Host class only (elf_header.hpp says whether a
// file is one).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::plugin {

struct ExportedSymbols {
  bool readable = false;  // false: `problem` says why the table could not be read
  std::string problem;
  std::vector<std::string> names;  // sorted
};

ExportedSymbols read_exported_symbols(const std::filesystem::path &path);

}  // namespace runtimo::plugin
