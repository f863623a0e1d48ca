// plugin/elf_header.hpp — is this file an ELF shared object this host can load, judged from its
// first 64 bytes before dlopen() ever sees it?
//
// Owns: the reading of the ELF identification and header (magic, class, byte order, type,
// machine) and the messages that say what the file is instead: "not an ELF shared object",
// "an ELF for aarch64 (e_machine 183), this host is x86-64", "a 32-bit ELF (ELFCLASS32) ...",
// "an ELF executable, not a shared object". dlopen()'s own text for these cases ("wrong ELF
// class", "invalid ELF header") names neither what the file is nor what the host wanted.
// Reads only; the caller opens the file (never a FIFO or device: see plugin_directory.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runtimo::plugin {

// The name of an ELF e_machine value ("x86-64", "aarch64", "i386", …), or "machine N".
std::string elf_machine_name(std::uint16_t machine);
// The host's e_machine (EM_X86_64 on x86-64, …).
std::uint16_t host_elf_machine();

// What is wrong with `header` (the file's first bytes, as many as it has up to 64) for this
// host, worded to follow the file's name ("… is an ELF for aarch64 …"); nullopt when it is an
// ELF shared object of this host's class, byte order and machine.
std::optional<std::string> elf_header_problem(std::string_view header);

// Reads the first bytes of the regular file `path` and judges them (see above). The message
// names the file. Opens with O_NONBLOCK | O_NOCTTY so that a file swapped for a FIFO since it
// was listed cannot block, and refuses anything fstat() does not call a regular file.
std::optional<std::string> elf_file_problem(const std::filesystem::path &path);

}  // namespace runtimo::plugin
