// Numeric precision of network passes: full float32, or LibTorch's automatic mixed precision
// (autocast), which runs convolutions and matrix products in bfloat16 or float16 and keeps
// reductions and losses in float32.
//
// Autocast state is thread-local: a guard affects only the thread that made it.
#pragma once

#include <torch/torch.h>

#include <string>

namespace rawgan::models {

enum class Precision {
  kFloat32,   ///< "fp32": no autocast
  kBFloat16,  ///< "bf16": autocast to bfloat16 (8-bit mantissa, float32's range); CPU and CUDA
  kFloat16,   ///< "fp16": autocast to float16 (11-bit mantissa, max 65504); CUDA only, and
              ///< training needs loss scaling (train/loss_scaler.h)
};

/// "fp32", "bf16" or "fp16"; throws UsageError naming `option` (e.g. "--precision") otherwise.
Precision parse_precision(const std::string& name, const std::string& option = "precision");
std::string precision_name(Precision precision);

/// Throws UsageError naming `option` when `precision` cannot run on `device`: fp16 needs CUDA
/// (LibTorch's CPU autocast has no float16 kernels worth using).
void check_precision(Precision precision, torch::Device device,
                     const std::string& option = "precision");

/// Whether autocast is on for this thread and `type` (CPU or CUDA), on LibTorch 1.13 and 2.x.
bool autocast_enabled(c10::DeviceType type);

/// Enables autocast for `device`'s type with `precision`'s type for its lifetime and restores
/// the previous state afterwards (nesting allowed). Does nothing for kFloat32. Run the forward
/// passes inside and the backward pass outside, as autocast expects: casts of the weights are
/// cached inside the outermost guard and dropped when it ends, so a guard must not outlive an
/// optimiser step.
class AutocastGuard {
 public:
  AutocastGuard(torch::Device device, Precision precision);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  c10::DeviceType device_type_ = c10::DeviceType::CPU;
  bool previous_enabled_ = false;
  c10::ScalarType previous_dtype_ = c10::ScalarType::Float;
};

}  // namespace rawgan::models
