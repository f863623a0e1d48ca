// snapshot/gpu_nvml.hpp — NVIDIA GPUs through NVML, loaded at run time.
//
// Owns the one process-wide NVML handle: libnvidia-ml.so.1 is looked up with the system's
// library search (Boost.DLL, search_system_folders) on first use and, when found, stays
// loaded for the life of the process (nvmlInit_v2 once, never nvmlShutdown). The C
// prototypes are declared here rather than taken from nvml.h, so building needs no CUDA
// toolkit. A machine without the library (or without a working driver) has no GPUs: an empty
// list, not an error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace runtimo::snapshot {

struct GpuInfo {
  unsigned index = 0;
  std::string name;
  std::uint64_t memory_total_bytes = 0;
  std::uint64_t memory_used_bytes = 0;
  std::uint64_t memory_free_bytes = 0;
  int utilisation_pct = -1;         // GPU busy over the last sample period; −1 unknown
  int memory_utilisation_pct = -1;  // memory controller busy; −1 unknown
  int temperature_c = -1;           // core temperature; −1 unknown
};

// Every GPU NVML reports; empty when NVML is unavailable. Thread-safe.
std::vector<GpuInfo> read_gpus();

// "absent" (no library), "unusable: ..." (library without the symbols or nvmlInit failed)
// or "ok". Thread-safe.
std::string nvml_status();

}  // namespace runtimo::snapshot
