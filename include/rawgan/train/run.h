// Pieces every trainer shares: choosing the device and thread count, preparing the run folder,
// and refusing to continue (or checkpoint) once a loss is no longer finite.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

namespace rawgan::train {

/// "auto" (CUDA when this build and machine have it, else CPU), "cpu" or "cuda" / "cuda:N".
/// Throws UsageError naming --device for other names, for CUDA on a build or machine without
/// it, or for a device number the machine lacks. Choosing CUDA turns on cuDNN autotuning.
torch::Device select_device(const std::string& name);

/// Sets LibTorch's intra-op thread count: `n_threads` when > 0, otherwise every hardware
/// thread (Debian's LibTorch otherwise starts with 1). Returns the count in effect.
int set_thread_count(int n_threads);

/// `host` (a CPU tensor) on `device` without waiting: through page-locked memory and a
/// non-blocking copy on CUDA (a plain copy would wait for the device to finish all queued work);
/// `host` itself on the CPU.
torch::Tensor to_device_async(const torch::Tensor& host, torch::Device device);

/// Creates `run_dir` if needed. Without `resume`, throws UsageError when it already holds
/// last.pt (a run is never overwritten by accident); with `resume`, throws InputError when it
/// does not. Returns run_dir / "last.pt".
std::filesystem::path prepare_run_dir(const std::filesystem::path& run_dir, bool resume);

/// Throws RuntimeError "<what> is <value> at step <step>: training diverged; ..." when `value`
/// is NaN or infinite, so that the caller stops before writing a checkpoint.
void require_finite(const std::string& what, double value, int64_t step);

}  // namespace rawgan::train
