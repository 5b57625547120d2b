#include "rawgan/infer/device_info.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

#ifdef RAWGAN_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace rawgan::infer {
namespace {

std::string cpu_model_name() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
    }
  }
  return "CPU";
}

}  // namespace

std::string device_name(torch::Device device) {
#ifdef RAWGAN_WITH_CUDA
  if (device.is_cuda()) {
    const int index = device.has_index() ? device.index() : 0;
    return device.str() + " (" + at::cuda::getDeviceProperties(index)->name + ")";
  }
#endif
  return device.str() + " (" + cpu_model_name() + ")";
}

int64_t peak_host_memory_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

int64_t peak_device_memory_bytes(torch::Device device) {
#ifdef RAWGAN_WITH_CUDA
  if (device.is_cuda()) {
    const int index = device.has_index() ? device.index() : 0;
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
    return stats.allocated_bytes[0].peak;  // index 0: all pools together
  }
#endif
  (void)device;
  return -1;
}

void reset_peak_device_memory(torch::Device device) {
#ifdef RAWGAN_WITH_CUDA
  if (device.is_cuda())
    c10::cuda::CUDACachingAllocator::resetPeakStats(device.has_index() ? device.index() : 0);
#endif
  (void)device;
}

}  // namespace rawgan::infer
