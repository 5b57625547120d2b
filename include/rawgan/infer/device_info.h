// What a benchmark reports about the machine: device names and peak memory.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace rawgan::infer {

/// "cuda:0 (NVIDIA H200)" for a GPU; the CPU's model name from /proc/cpuinfo otherwise.
std::string device_name(torch::Device device);

/// Peak resident memory of this process so far (getrusage's maximum RSS), in bytes.
int64_t peak_host_memory_bytes();

/// Peak bytes allocated by LibTorch on a CUDA device since the last reset; -1 for the CPU or a
/// build without CUDA.
int64_t peak_device_memory_bytes(torch::Device device);

/// Starts a new peak for peak_device_memory_bytes (no effect without CUDA).
void reset_peak_device_memory(torch::Device device);

}  // namespace rawgan::infer
