// wal/crc32c.hpp — CRC-32C (Castagnoli) for the journal's lines (FORMAT.md, "CRC").
//
// Owns: choosing, once per process, between the CPU's CRC-32C instruction (x86-64 SSE4.2
// `crc32`, aarch64 `crc32cx`) and a portable table-driven fallback (Boost.CRC). Debian 12 has
// no libcrc32c, and the table fallback alone is what made `wal verify` CPU-bound: the
// instruction checks ~8 bytes a cycle where the table does ~1.
//
// Every path computes the same function: polynomial 0x1EDC6F41, reflected in and out, initial
// value and final xor 0xFFFFFFFF; crc32c("123456789") == 0xe3069283.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace runtimo::wal::detail {

// A running CRC-32C over bytes given in pieces (the line's bytes, then a closing brace).
class Crc32c {
 public:
  void update(std::string_view bytes);
  void update(char byte) { update(std::string_view(&byte, 1)); }
  std::uint32_t value() const { return ~state_; }

  // Advances three CRCs over three independent inputs at once. The instruction takes 3
  // cycles but can start one per cycle, so three interleaved streams cost about one: verify
  // checks lines three at a time.
  static void update3(Crc32c (&crcs)[3], const std::string_view (&bytes)[3]);

 private:
  std::uint32_t state_ = 0xFFFFFFFFu;  // the reflected register, before the final xor
};

// The register after `bytes`, by each implementation (tests compare them; state is the
// register before the final xor, 0xFFFFFFFF at the start).
std::uint32_t crc32c_portable(std::uint32_t state, std::string_view bytes);
std::uint32_t crc32c_hardware(std::uint32_t state, std::string_view bytes);

// True when this CPU has the instruction (crc32c_hardware may be called only then).
bool crc32c_hardware_available();

}  // namespace runtimo::wal::detail
