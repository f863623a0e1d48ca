// plugin_files.cpp — what the loader learns about a plugin file before any of its code runs:
// entries named libcap_*.so that are no plugin file (a dangling link, a directory, a FIFO —
// never opened) are listed as rejected with what they are; every directory above a plugin must
// be safe from other users (sticky root-owned ones like /tmp excepted); an ELF header of
// another machine or class, or no ELF at all, is named as such before dlopen; and the exported
// symbols are read from the dynamic symbol table without loading the file.
#define BOOST_TEST_MODULE plugin_files
#include <boost/test/unit_test.hpp>

#include "plugin/elf_header.hpp"
#include "plugin/elf_symbols.hpp"
#include "plugin/plugin_registry.hpp"
#include "temp_dir.hpp"

#include <elf.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace runtimo::plugin;
using runtimo::test::TempDir;

namespace {

fs::path case_file(const std::string &dir, const std::string &name) {
  return fs::path(runtimo::test::required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / dir /
         ("libcap_" + name + ".so");
}

std::unique_ptr<PluginRegistry> load_dirs(std::vector<fs::path> dirs) {
  LoadOptions options;
  options.dirs = std::move(dirs);
  return PluginRegistry::load(options);
}

bool contains(const std::string &text, const std::string &fragment) {
  return text.find(fragment) != std::string::npos;
}

void write_bytes(const fs::path &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read);
}

// The first bytes of an ELF shared object of `elf_class` for `machine`, little-endian: all the
// loader reads before it decides.
std::string elf_header(unsigned char elf_class, std::uint16_t machine,
                       std::uint16_t type = ET_DYN) {
  std::string h(elf_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr), '\0');
  std::memcpy(h.data(), ELFMAG, SELFMAG);
  h[EI_CLASS] = static_cast<char>(elf_class);
  h[EI_DATA] = ELFDATA2LSB;
  h[EI_VERSION] = EV_CURRENT;
  h[16] = static_cast<char>(type & 0xff);
  h[17] = static_cast<char>(type >> 8);
  h[18] = static_cast<char>(machine & 0xff);
  h[19] = static_cast<char>(machine >> 8);
  return h;
}

// A machine that is not this host's, and its name.
std::uint16_t foreign_machine() {
  return host_elf_machine() == EM_AARCH64 ? EM_RISCV : EM_AARCH64;
}

std::string only_reason(const fs::path &dir) {
  const auto registry = load_dirs({dir});
  BOOST_TEST_REQUIRE(registry->records().size() == 1u);
  BOOST_TEST(!registry->records().front().loaded);
  return registry->records().front().reason;
}

}  // namespace

BOOST_AUTO_TEST_CASE(entries_that_are_no_plugin_file_are_listed_with_what_they_are) {
  TempDir dir;
  fs::create_symlink(dir / "gone.so", dir / "libcap_dangling.so");
  fs::create_directory(dir / "libcap_dir.so");
  BOOST_TEST_REQUIRE(::mkfifo((dir / "libcap_fifo.so").c_str(), 0600) == 0);
  fs::create_symlink(dir / "libcap_dir.so", dir / "libcap_to_dir.so");
  fs::create_symlink("libcap_loop.so", dir / "libcap_loop.so");

  // Nothing may open the FIFO (an open for reading would block this test for ever).
  const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  BOOST_TEST_REQUIRE(watch >= 0);
  BOOST_TEST_REQUIRE(
      ::inotify_add_watch(watch, (dir / "libcap_fifo.so").c_str(), IN_OPEN | IN_ACCESS) >= 0);

  const auto registry = load_dirs({dir.path()});
  char events[4096];
  BOOST_TEST(::read(watch, events, sizeof events) < 0, "the FIFO was opened");
  ::close(watch);

  const std::string hint =
      ": remove or rename it (every libcap_*.so in a plugin directory is taken for a plugin)";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"libcap_dangling.so", " is a symbolic link to " + (dir / "gone.so").string() +
                                 ", which does not exist: remove the link or restore its target"},
      {"libcap_dir.so", " is a directory, not a plugin file" + hint},
      {"libcap_fifo.so", " is a FIFO, not a plugin file" + hint},
      {"libcap_loop.so", " is a symbolic link to libcap_loop.so that cannot be followed: "},
      {"libcap_to_dir.so", " is a symbolic link to " + (dir / "libcap_dir.so").string() +
                               ", which is a directory, not a plugin file" + hint},
  };
  BOOST_TEST_REQUIRE(registry->records().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const PluginRecord &record = registry->records()[i];
    BOOST_TEST_CONTEXT(expected[i].first) {
      BOOST_TEST(record.path == dir / expected[i].first);
      BOOST_TEST(!record.loaded);
      BOOST_TEST(record.probe.empty());
      BOOST_TEST(record.reason.starts_with(record.path.string() + expected[i].second),
                 record.reason);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_writable_ancestor_of_the_plugin_directory_is_refused_and_named) {
  TempDir root;
  const fs::path shared = root / "shared";
  const fs::path plugins = shared / "team" / "plugins";
  fs::create_directories(plugins);
  fs::copy_file(case_file("good_c", "good_c"), plugins / "libcap_good_c.so");
  BOOST_TEST_REQUIRE(::chmod((plugins / "libcap_good_c.so").c_str(), 0644) == 0);
  for (const fs::path &d : {shared, shared / "team", plugins})
    BOOST_TEST_REQUIRE(::chmod(d.c_str(), 0755) == 0);
  BOOST_TEST(load_dirs({plugins})->find("Echo") != nullptr);

  BOOST_TEST_REQUIRE(::chmod(shared.c_str(), 0777) == 0);
  const std::string real = fs::canonical(shared).string();
  BOOST_TEST(only_reason(plugins) ==
                 (plugins / "libcap_good_c.so").string() + ": " + real +
                     ", an ancestor of its directory " + fs::canonical(plugins).string() +
                     ", is writable by other users (mode 0777): refusing to load it; fix with "
                     "chmod go-w " +
                     real,
             only_reason(plugins));

  // Sticky and owned by root, like /tmp: no one can rename what is ours in it.
  BOOST_TEST_REQUIRE(::chmod(shared.c_str(), 01777) == 0);
  if (::geteuid() == 0) {
    BOOST_TEST(load_dirs({plugins})->find("Echo") != nullptr);
  } else {
    BOOST_TEST(contains(only_reason(plugins), real + ", an ancestor of its directory"));
  }
}

BOOST_AUTO_TEST_CASE(a_directory_reached_through_a_link_in_a_writable_directory_is_refused) {
  TempDir root;
  const fs::path real = root / "real";
  const fs::path open_dir = root / "open";
  fs::create_directories(real);
  fs::create_directories(open_dir);
  fs::copy_file(case_file("good_c", "good_c"), real / "libcap_good_c.so");
  BOOST_TEST_REQUIRE(::chmod((real / "libcap_good_c.so").c_str(), 0644) == 0);
  BOOST_TEST_REQUIRE(::chmod(real.c_str(), 0755) == 0);
  BOOST_TEST_REQUIRE(::chmod(open_dir.c_str(), 0777) == 0);
  fs::create_symlink(real, open_dir / "plugins");  // anyone may repoint this link
  const std::string reason = only_reason(open_dir / "plugins");
  BOOST_TEST(contains(reason, fs::canonical(open_dir).string() + ", an ancestor of its directory " +
                                  (open_dir / "plugins").string() + ", is writable by other users"),
             reason);
}

BOOST_AUTO_TEST_CASE(an_elf_for_another_machine_is_named_before_dlopen) {
  TempDir dir;
  const std::uint16_t machine = foreign_machine();
  write_bytes(dir / "libcap_foreign.so", elf_header(ELFCLASS64, machine));
  BOOST_TEST(only_reason(dir.path()) == (dir / "libcap_foreign.so").string() + " is an ELF for " +
                                            elf_machine_name(machine) + " (e_machine " +
                                            std::to_string(machine) + "), this host is " +
                                            elf_machine_name(host_elf_machine()) +
                                            ": build the plugin for this host",
             only_reason(dir.path()));
  BOOST_TEST(elf_machine_name(EM_AARCH64) == "aarch64");
  BOOST_TEST(elf_machine_name(EM_X86_64) == "x86-64");
  BOOST_TEST(elf_machine_name(4242) == "machine 4242");
}

BOOST_AUTO_TEST_CASE(an_elf_of_another_class_is_named_before_dlopen) {
  TempDir dir;
  write_bytes(dir / "libcap_i386.so", elf_header(ELFCLASS32, EM_386));
  const std::string reason = only_reason(dir.path());
  BOOST_TEST(reason == (dir / "libcap_i386.so").string() +
                           " is a 32-bit ELF (ELFCLASS32) for i386 (e_machine 3), this host loads "
                           "64-bit ELF (ELFCLASS64) files for " +
                           elf_machine_name(host_elf_machine()) +
                           ": build the plugin for this host",
             reason);
}

BOOST_AUTO_TEST_CASE(files_that_are_not_elf_shared_objects_say_what_they_are) {
  BOOST_TEST(*elf_header_problem("#!/bin/sh\necho hi\n") ==
             "is not an ELF shared object (it does not begin with the ELF magic \\x7fELF): build "
             "the plugin as a shared library");
  BOOST_TEST(*elf_header_problem("") == *elf_header_problem("\x7f"
                                                            "EL"));
  BOOST_TEST(*elf_header_problem("\x7f"
                                 "ELF\x02\x01") ==
             "is too short to be an ELF shared object (6 bytes)");
  BOOST_TEST(contains(*elf_header_problem(elf_header(ELFCLASS64, host_elf_machine(), ET_EXEC)),
                      "is an ELF executable, not a shared object"));
  BOOST_TEST(contains(*elf_header_problem(elf_header(ELFCLASS64, host_elf_machine(), ET_REL)),
                      "is an ELF object file (.o), not a shared object: link it with -shared"));
  BOOST_TEST(!elf_header_problem(elf_header(ELFCLASS64, host_elf_machine())).has_value());

  TempDir dir;
  write_bytes(dir / "libcap_empty.so", "");
  BOOST_TEST(contains(only_reason(dir.path()), "libcap_empty.so is not an ELF shared object"));
}

BOOST_AUTO_TEST_CASE(exported_symbols_are_read_without_loading_the_file) {
  const ExportedSymbols c = read_exported_symbols(case_file("good_c", "good_c"));
  BOOST_TEST_REQUIRE(c.readable, c.problem);
  BOOST_TEST(c.names == std::vector<std::string>{"runtimo_plugin_entry"});
  // A C++ plugin built without the export map leaks what its headers define inline.
  const ExportedSymbols cpp = read_exported_symbols(case_file("throws", "throws"));
  BOOST_TEST_REQUIRE(cpp.readable, cpp.problem);
  BOOST_TEST(cpp.names.size() > 10u);
  BOOST_TEST(std::count(cpp.names.begin(), cpp.names.end(), "runtimo_plugin_entry") == 1);
}

BOOST_AUTO_TEST_CASE(a_corrupt_symbol_table_is_an_error_not_a_crash) {
  TempDir dir;
  const std::string good = runtimo::test::read_file(case_file("good_c", "good_c"));
  write_bytes(dir / "header_only.so", elf_header(ELFCLASS64, host_elf_machine()));
  BOOST_TEST(!read_exported_symbols(dir / "header_only.so").readable);
  BOOST_TEST(read_exported_symbols(dir / "header_only.so").problem ==
             "the file has no section headers");
  // Every byte of the ELF and section headers overwritten in turn: never a crash.
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, good.data(), sizeof ehdr);
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < sizeof ehdr; ++i) offsets.push_back(i);
  for (std::size_t i = 0; i < std::size_t{ehdr.e_shnum} * sizeof(Elf64_Shdr); i += 3)
    offsets.push_back(ehdr.e_shoff + i);
  for (const std::size_t at : offsets) {
    std::string broken = good;
    broken[at] = static_cast<char>(~broken[at]);
    write_bytes(dir / "broken.so", broken);
    const ExportedSymbols s = read_exported_symbols(dir / "broken.so");
    BOOST_TEST((s.readable || !s.problem.empty()));
  }
  write_bytes(dir / "truncated.so", good.substr(0, good.size() / 2));
  BOOST_TEST(!read_exported_symbols(dir / "truncated.so").readable);
}
