// wal/crc32c.cpp — CRC-32C by the CPU's instruction when it has one, else by Boost.CRC's
// table; see crc32c.hpp.
#include "wal/crc32c.hpp"

#include <boost/crc.hpp>

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#endif

namespace runtimo::wal::detail {

namespace {

std::uint32_t reflect32(std::uint32_t v) {
  std::uint32_t r = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) r = (r << 1) | (v & 1u);
  return r;
}

#if defined(__x86_64__)

// Compiled for SSE4.2 only here, so the rest of the binary runs on any x86-64; called only
// after __builtin_cpu_supports said the CPU has it.
__attribute__((target("sse4.2"))) std::uint32_t hardware_update(std::uint32_t state,
                                                                const unsigned char *p,
                                                                std::size_t n) {
  std::uint64_t crc = state;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    crc = _mm_crc32_u64(crc, word);
  }
  auto crc32 = static_cast<std::uint32_t>(crc);
  for (; n > 0; ++p, --n) crc32 = _mm_crc32_u8(crc32, *p);
  return crc32;
}

__attribute__((target("sse4.2"))) void hardware_update3(std::uint32_t (&state)[3],
                                                        const std::string_view (&bytes)[3]) {
  std::size_t common =
      std::min({bytes[0].size(), bytes[1].size(), bytes[2].size()}) & ~std::size_t{7};
  const auto *a = reinterpret_cast<const unsigned char *>(bytes[0].data());
  const auto *b = reinterpret_cast<const unsigned char *>(bytes[1].data());
  const auto *c = reinterpret_cast<const unsigned char *>(bytes[2].data());
  std::uint64_t ca = state[0], cb = state[1], cc = state[2];
  for (std::size_t i = 0; i < common; i += 8) {
    std::uint64_t wa, wb, wc;
    std::memcpy(&wa, a + i, 8);
    std::memcpy(&wb, b + i, 8);
    std::memcpy(&wc, c + i, 8);
    ca = _mm_crc32_u64(ca, wa);
    cb = _mm_crc32_u64(cb, wb);
    cc = _mm_crc32_u64(cc, wc);
  }
  state[0] = hardware_update(static_cast<std::uint32_t>(ca), a + common, bytes[0].size() - common);
  state[1] = hardware_update(static_cast<std::uint32_t>(cb), b + common, bytes[1].size() - common);
  state[2] = hardware_update(static_cast<std::uint32_t>(cc), c + common, bytes[2].size() - common);
}

bool detect_hardware() {
  return __builtin_cpu_supports("sse4.2");
}

#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)

std::uint32_t hardware_update(std::uint32_t state, const unsigned char *p, std::size_t n) {
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    state = __crc32cd(state, word);
  }
  for (; n > 0; ++p, --n) state = __crc32cb(state, *p);
  return state;
}

void hardware_update3(std::uint32_t (&state)[3], const std::string_view (&bytes)[3]) {
  for (int i = 0; i < 3; ++i) {
    state[i] = hardware_update(state[i], reinterpret_cast<const unsigned char *>(bytes[i].data()),
                               bytes[i].size());
  }
}

bool detect_hardware() {
  return true;
}  // the build targets a CPU with the CRC extension

#else

std::uint32_t hardware_update(std::uint32_t state, const unsigned char *, std::size_t) {
  return state;  // never called: detect_hardware() is false
}

void hardware_update3(std::uint32_t (&)[3], const std::string_view (&)[3]) {}

bool detect_hardware() {
  return false;
}

#endif

const bool kHardware = detect_hardware();

}  // namespace

std::uint32_t crc32c_portable(std::uint32_t state, std::string_view bytes) {
  // Boost keeps its reflected register bit-reversed; convert in and out so that the pieces of
  // a Crc32c may be processed by either path.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc(reflect32(state));
  crc.process_bytes(bytes.data(), bytes.size());
  return ~crc.checksum();
}

std::uint32_t crc32c_hardware(std::uint32_t state, std::string_view bytes) {
  return hardware_update(state, reinterpret_cast<const unsigned char *>(bytes.data()),
                         bytes.size());
}

bool crc32c_hardware_available() {
  return kHardware;
}

void Crc32c::update3(Crc32c (&crcs)[3], const std::string_view (&bytes)[3]) {
  if (!kHardware) {
    for (int i = 0; i < 3; ++i) crcs[i].update(bytes[i]);
    return;
  }
  std::uint32_t state[3] = {crcs[0].state_, crcs[1].state_, crcs[2].state_};
  hardware_update3(state, bytes);
  for (int i = 0; i < 3; ++i) crcs[i].state_ = state[i];
}

void Crc32c::update(std::string_view bytes) {
  state_ = kHardware ? crc32c_hardware(state_, bytes) : crc32c_portable(state_, bytes);
}

}  // namespace runtimo::wal::detail
