// snapshot/gpu_nvml.cpp — NVML through Boost.DLL, with the few prototypes we call.
#include "snapshot/gpu_nvml.hpp"

#include <boost/dll/shared_library.hpp>

#include <mutex>
#include <system_error>

namespace runtimo::snapshot {
namespace {

// From nvml.h (stable C ABI since NVML 4; the _v2 entry points since driver 325).
using nvmlReturn_t = int;
constexpr nvmlReturn_t kNvmlSuccess = 0;
using nvmlDevice_t = struct nvmlDevice_st *;
struct nvmlMemory_t {
  unsigned long long total, free, used;
};
struct nvmlUtilization_t {
  unsigned int gpu, memory;
};
constexpr int kNvmlTemperatureGpu = 0;           // NVML_TEMPERATURE_GPU
constexpr unsigned kNvmlDeviceNameBufSize = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE

using InitFn = nvmlReturn_t();
using CountFn = nvmlReturn_t(unsigned int *);
using HandleFn = nvmlReturn_t(unsigned int, nvmlDevice_t *);
using NameFn = nvmlReturn_t(nvmlDevice_t, char *, unsigned int);
using MemoryFn = nvmlReturn_t(nvmlDevice_t, nvmlMemory_t *);
using UtilFn = nvmlReturn_t(nvmlDevice_t, nvmlUtilization_t *);
using TempFn = nvmlReturn_t(nvmlDevice_t, int, unsigned int *);

class Nvml {
 public:
  Nvml() {
    std::error_code ec;
    lib_.load("libnvidia-ml.so.1", ec,
              boost::dll::load_mode::search_system_folders | boost::dll::load_mode::rtld_now |
                  boost::dll::load_mode::rtld_local);
    if (ec || !lib_.is_loaded()) {
      status_ = "absent";
      return;
    }
    for (const char *symbol :
         {"nvmlInit_v2", "nvmlDeviceGetCount_v2", "nvmlDeviceGetHandleByIndex_v2",
          "nvmlDeviceGetName", "nvmlDeviceGetMemoryInfo", "nvmlDeviceGetUtilizationRates",
          "nvmlDeviceGetTemperature"}) {
      if (!lib_.has(symbol)) {
        status_ = std::string("unusable: no symbol ") + symbol;
        return;
      }
    }
    init_ = &lib_.get<InitFn>("nvmlInit_v2");
    count_ = &lib_.get<CountFn>("nvmlDeviceGetCount_v2");
    handle_ = &lib_.get<HandleFn>("nvmlDeviceGetHandleByIndex_v2");
    name_ = &lib_.get<NameFn>("nvmlDeviceGetName");
    memory_ = &lib_.get<MemoryFn>("nvmlDeviceGetMemoryInfo");
    util_ = &lib_.get<UtilFn>("nvmlDeviceGetUtilizationRates");
    temp_ = &lib_.get<TempFn>("nvmlDeviceGetTemperature");
    const nvmlReturn_t rc = init_();
    if (rc != kNvmlSuccess) {
      status_ = "unusable: nvmlInit_v2 returned " + std::to_string(rc);
      return;
    }
    status_ = "ok";
    ready_ = true;
  }

  std::vector<GpuInfo> devices() {
    std::vector<GpuInfo> out;
    if (!ready_) return out;
    std::lock_guard lock(mutex_);
    unsigned int count = 0;
    if (count_(&count) != kNvmlSuccess) return out;
    for (unsigned int i = 0; i < count; ++i) {
      nvmlDevice_t device = nullptr;
      if (handle_(i, &device) != kNvmlSuccess) continue;
      GpuInfo g;
      g.index = i;
      char name[kNvmlDeviceNameBufSize] = {};
      if (name_(device, name, sizeof name) == kNvmlSuccess) g.name = name;
      nvmlMemory_t mem{};
      if (memory_(device, &mem) == kNvmlSuccess) {
        g.memory_total_bytes = mem.total;
        g.memory_used_bytes = mem.used;
        g.memory_free_bytes = mem.free;
      }
      nvmlUtilization_t util{};
      if (util_(device, &util) == kNvmlSuccess) {
        g.utilisation_pct = static_cast<int>(util.gpu);
        g.memory_utilisation_pct = static_cast<int>(util.memory);
      }
      unsigned int temp = 0;
      if (temp_(device, kNvmlTemperatureGpu, &temp) == kNvmlSuccess)
        g.temperature_c = static_cast<int>(temp);
      out.push_back(std::move(g));
    }
    return out;
  }

  const std::string &status() const { return status_; }

 private:
  boost::dll::shared_library lib_;  // kept loaded for the life of the process
  std::string status_;
  bool ready_ = false;
  std::mutex mutex_;
  InitFn *init_ = nullptr;
  CountFn *count_ = nullptr;
  HandleFn *handle_ = nullptr;
  NameFn *name_ = nullptr;
  MemoryFn *memory_ = nullptr;
  UtilFn *util_ = nullptr;
  TempFn *temp_ = nullptr;
};

// Constructed on first use (thread-safe static initialisation) and never destroyed, so no
// function pointer can outlive the library during exit.
Nvml &nvml() {
  static Nvml *instance = new Nvml();
  return *instance;
}

}  // namespace

std::vector<GpuInfo> read_gpus() {
  return nvml().devices();
}

std::string nvml_status() {
  return nvml().status();
}

}  // namespace runtimo::snapshot
