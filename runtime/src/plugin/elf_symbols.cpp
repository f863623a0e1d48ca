// plugin/elf_symbols.cpp — reading .dynsym (see the header).
#include "plugin/elf_symbols.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <link.h>  // ElfW
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace runtimo::plugin {
namespace {

using Ehdr = ElfW(Ehdr);
using Shdr = ElfW(Shdr);
using Sym = ElfW(Sym);

// A table larger than this is not a plugin's.
constexpr std::uint64_t kMaxTableBytes = 64u << 20;

class ElfFile {
 public:
  explicit ElfFile(const std::filesystem::path &path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) {}
  ~ElfFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  ElfFile(const ElfFile &) = delete;
  ElfFile &operator=(const ElfFile &) = delete;

  bool open(std::string &problem) {
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) return problem = std::strerror(errno), false;
    if (!S_ISREG(st.st_mode)) return problem = "not a regular file", false;
    size_ = static_cast<std::uint64_t>(st.st_size);
    return true;
  }
  // `size` bytes at `offset`, if they lie inside the file.
  bool read(std::uint64_t offset, std::uint64_t size, void *out) const {
    if (offset > size_ || size > size_ - offset) return false;
    return ::pread(fd_, out, size, static_cast<off_t>(offset)) == static_cast<ssize_t>(size);
  }
  bool read(std::uint64_t offset, std::uint64_t size, std::string &out) const {
    if (size > kMaxTableBytes) return false;
    out.resize(size);
    return read(offset, size, out.data());
  }

 private:
  int fd_;
  std::uint64_t size_ = 0;
};

bool is_export(const Sym &sym) {
  const unsigned bind = ELF64_ST_BIND(sym.st_info);
  const unsigned type = ELF64_ST_TYPE(sym.st_info);
  const unsigned visibility = ELF64_ST_VISIBILITY(sym.st_other);
  return sym.st_name != 0 && sym.st_shndx != SHN_UNDEF && sym.st_shndx != SHN_ABS &&
         (bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE) &&
         (visibility == STV_DEFAULT || visibility == STV_PROTECTED) &&
         (type == STT_FUNC || type == STT_OBJECT || type == STT_TLS || type == STT_GNU_IFUNC ||
          type == STT_NOTYPE || type == STT_COMMON);
}

}  // namespace

ExportedSymbols read_exported_symbols(const std::filesystem::path &path) {
  ExportedSymbols out;
  ElfFile file(path);
  if (!file.open(out.problem)) return out;
  const auto fail = [&](const char *what) {
    out.problem = what;
    return out;
  };
  Ehdr ehdr{};
  if (!file.read(0, sizeof ehdr, &ehdr)) return fail("the ELF header cannot be read");
  if (ehdr.e_shoff == 0 || ehdr.e_shnum == 0) return fail("the file has no section headers");
  if (ehdr.e_shentsize != sizeof(Shdr)) return fail("the section header size is not this host's");
  std::string sections;
  if (!file.read(ehdr.e_shoff, std::uint64_t{ehdr.e_shnum} * sizeof(Shdr), sections))
    return fail("the section headers lie outside the file");
  const auto section = [&](std::size_t i) {
    Shdr s;
    std::memcpy(&s, sections.data() + i * sizeof(Shdr), sizeof s);
    return s;
  };
  for (std::size_t i = 0; i < ehdr.e_shnum; ++i) {
    const Shdr dynsym = section(i);
    if (dynsym.sh_type != SHT_DYNSYM) continue;
    if (dynsym.sh_link >= ehdr.e_shnum || dynsym.sh_entsize != sizeof(Sym))
      return fail("the dynamic symbol table is malformed");
    const Shdr strtab = section(dynsym.sh_link);
    std::string symbols, names;
    if (!file.read(dynsym.sh_offset, dynsym.sh_size, symbols) ||
        !file.read(strtab.sh_offset, strtab.sh_size, names))
      return fail("the dynamic symbol table lies outside the file");
    for (std::size_t off = 0; off + sizeof(Sym) <= symbols.size(); off += sizeof(Sym)) {
      Sym sym;
      std::memcpy(&sym, symbols.data() + off, sizeof sym);
      if (!is_export(sym) || sym.st_name >= names.size()) continue;
      const char *name = names.data() + sym.st_name;
      out.names.emplace_back(name, ::strnlen(name, names.size() - sym.st_name));
    }
    std::sort(out.names.begin(), out.names.end());
    out.names.erase(std::unique(out.names.begin(), out.names.end()), out.names.end());
    out.readable = true;
    return out;
  }
  return fail("the file has no dynamic symbol table");
}

}  // namespace runtimo::plugin
