// tool_runner.hpp — the build's tools (cmake, cpack, the C compiler, nm, objdump, pkg-config,
// dpkg-deb) run from packaging tests as a user would run them. A command that fails throws
// with its command line, exit code and output, so the failure says what to fix; a tool the
// build did not find says how to get it.
#pragma once

#include "child_process.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace runtimo::test {

// The path of a tool the build configured into the environment variable `env_name`.
inline std::string tool(const char *env_name) {
  const std::string path = required_env(env_name);
  if (path.ends_with("NOTFOUND"))
    throw std::runtime_error(std::string(env_name) + ": the tool was not found when the build " +
                             "was configured; install it (.ci/install-deps) and re-run cmake");
  return path;
}

inline std::string command_line(const std::vector<std::string> &argv) {
  std::string line;
  for (const auto &a : argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

// Runs argv (extra environment entries "K=V"), requires exit code 0, returns the output.
inline Captured run_ok(const std::vector<std::string> &argv,
                       const std::vector<std::string> &extra_env = {}) {
  Captured c = run_capture(argv, {}, extra_env);
  if (c.exit_code != 0)
    throw std::runtime_error(command_line(argv) + "\n  exited " + std::to_string(c.exit_code) +
                             "\n  stdout: " + c.out + "\n  stderr: " + c.err);
  return c;
}

inline std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// The names of the dynamic symbols `library` defines (nm -D --defined-only).
inline std::vector<std::string> defined_dynamic_symbols(const std::filesystem::path &library) {
  std::vector<std::string> names;
  for (const auto &line :
       lines_of(run_ok({tool("RUNTIMO_TEST_NM"), "-D", "--defined-only", library.string()}).out)) {
    std::istringstream fields(line);
    std::string address, type, name;
    if (fields >> address >> type >> name) names.push_back(name);
  }
  return names;
}

// The shared libraries an ELF file needs (its DT_NEEDED entries, objdump -p).
inline std::vector<std::string> needed_libraries(const std::filesystem::path &elf) {
  std::vector<std::string> names;
  for (const auto &line :
       lines_of(run_ok({tool("RUNTIMO_TEST_OBJDUMP"), "-p", elf.string()}).out)) {
    std::istringstream fields(line);
    std::string tag, name;
    if (fields >> tag >> name && tag == "NEEDED") names.push_back(name);
  }
  return names;
}

// True for the libraries of Debian's libc6 package (the C library, libm, the dynamic loader).
inline bool is_libc6_library(const std::string &soname) {
  return soname == "libc.so.6" || soname == "libm.so.6" || soname.starts_with("ld-linux");
}

}  // namespace runtimo::test
