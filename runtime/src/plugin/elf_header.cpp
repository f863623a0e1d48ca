// plugin/elf_header.cpp — judging an ELF header before dlopen (see the header).
#include "plugin/elf_header.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace runtimo::plugin {
namespace {

constexpr unsigned char kHostClass = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
constexpr unsigned char kHostData =
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;

// A 16-bit field of the header in the file's byte order.
std::uint16_t field16(std::string_view header, std::size_t offset, unsigned char data) {
  const auto lo = static_cast<unsigned char>(header[offset]);
  const auto hi = static_cast<unsigned char>(header[offset + 1]);
  return data == ELFDATA2MSB ? static_cast<std::uint16_t>(lo << 8 | hi)
                             : static_cast<std::uint16_t>(hi << 8 | lo);
}

std::string class_name(unsigned char elf_class) {
  if (elf_class == ELFCLASS32) return "32-bit ELF (ELFCLASS32)";
  if (elf_class == ELFCLASS64) return "64-bit ELF (ELFCLASS64)";
  return "ELF of unknown class " + std::to_string(elf_class);
}

std::string type_problem(std::uint16_t type) {
  switch (type) {
    case ET_EXEC:
      return "is an ELF executable, not a shared object: build the plugin as a "
             "shared library (add_library(… MODULE), or -shared -fPIC)";
    case ET_REL:
      return "is an ELF object file (.o), not a shared object: link it with -shared";
    case ET_CORE:
      return "is a core dump, not a shared object";
    default:
      return "is an ELF file of type " + std::to_string(type) + ", not a shared object";
  }
}

}  // namespace

std::string elf_machine_name(std::uint16_t machine) {
  switch (machine) {
    case EM_386:
      return "i386";
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "aarch64";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return "riscv";
    case EM_PPC:
      return "ppc";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    case EM_MIPS:
      return "mips";
    case EM_SPARCV9:
      return "sparcv9";
    case 258:
      return "loongarch";  // EM_LOONGARCH, newer than some <elf.h>
    default:
      return "machine " + std::to_string(machine);
  }
}

std::uint16_t host_elf_machine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__i386__)
  return EM_386;
#elif defined(__arm__)
  return EM_ARM;
#elif defined(__riscv)
  return EM_RISCV;
#elif defined(__powerpc64__)
  return EM_PPC64;
#elif defined(__s390__)
  return EM_S390;
#else
#error "add this host's e_machine to elf_header.cpp"
#endif
}

std::optional<std::string> elf_header_problem(std::string_view header) {
  if (header.size() < SELFMAG || std::memcmp(header.data(), ELFMAG, SELFMAG) != 0) {
    return "is not an ELF shared object (it does not begin with the ELF magic \\x7fELF): build "
           "the plugin as a shared library";
  }
  const std::size_t header_size =
      kHostClass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  const auto elf_class =
      static_cast<unsigned char>(header.size() > EI_CLASS ? header[EI_CLASS] : 0);
  const auto data = static_cast<unsigned char>(header.size() > EI_DATA ? header[EI_DATA] : 0);
  // e_type and e_machine sit at the same offsets (16, 18) in both classes.
  if (header.size() < 20) {
    return "is too short to be an ELF shared object (" + std::to_string(header.size()) + " bytes)";
  }
  if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
    return "is a corrupt ELF file (unknown byte order " + std::to_string(data) + ")";
  }
  const std::uint16_t machine = field16(header, 18, data);
  const std::string for_machine =
      " for " + elf_machine_name(machine) + " (e_machine " + std::to_string(machine) + ")";
  if (elf_class != kHostClass) {
    return "is a " + class_name(elf_class) + for_machine + ", this host loads " +
           class_name(kHostClass) + " files for " + elf_machine_name(host_elf_machine()) +
           ": build the plugin for this host";
  }
  if (machine != host_elf_machine()) {
    return "is an ELF" + for_machine + ", this host is " + elf_machine_name(host_elf_machine()) +
           ": build the plugin for this host";
  }
  if (data != kHostData) {
    return std::string("is a ") + (data == ELFDATA2MSB ? "big" : "little") +
           "-endian ELF, this host is " + (kHostData == ELFDATA2MSB ? "big" : "little") +
           "-endian: build the plugin for this host";
  }
  if (const std::uint16_t type = field16(header, 16, data); type != ET_DYN)
    return type_problem(type);
  if (header.size() < header_size) {
    return "is too short to be an ELF shared object (" + std::to_string(header.size()) + " bytes)";
  }
  return std::nullopt;
}

std::optional<std::string> elf_file_problem(const std::filesystem::path &path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return path.string() + ": cannot open it: " + std::strerror(errno);
  struct stat st {};
  std::string header(sizeof(Elf64_Ehdr), '\0');
  ssize_t got = -1;
  int error = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    got = ::pread(fd, header.data(), header.size(), 0);
    error = errno;
  }
  ::close(fd);
  if (!S_ISREG(st.st_mode))
    return path.string() + " is not a regular file (it changed since it was listed)";
  if (got < 0) return path.string() + ": cannot read it: " + std::strerror(error);
  header.resize(static_cast<std::size_t>(got));
  if (auto problem = elf_header_problem(header)) return path.string() + " " + *problem;
  return std::nullopt;
}

}  // namespace runtimo::plugin
