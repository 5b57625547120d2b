#include "rawgan/models/precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "rawgan/util/error.h"

// LibTorch 2.4 replaced the per-device autocast setters (set_cpu_enabled, set_enabled, ...) by
// ones taking the device type; the old ones remain there but warn at run time.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define RAWGAN_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace rawgan::models {
bool autocast_enabled(c10::DeviceType type) {
#ifdef RAWGAN_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

namespace {

void set_autocast_enabled(c10::DeviceType type, bool enabled) {
#ifdef RAWGAN_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == c10::DeviceType::CPU) {
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_enabled(enabled);
  }
#endif
}

c10::ScalarType autocast_dtype(c10::DeviceType type) {
#ifdef RAWGAN_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype()
                                      : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_autocast_dtype(c10::DeviceType type, c10::ScalarType dtype) {
#ifdef RAWGAN_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (type == c10::DeviceType::CPU) {
    at::autocast::set_autocast_cpu_dtype(dtype);
  } else {
    at::autocast::set_autocast_gpu_dtype(dtype);
  }
#endif
}

}  // namespace

Precision parse_precision(const std::string& name, const std::string& option) {
  if (name == "fp32") return Precision::kFloat32;
  if (name == "bf16") return Precision::kBFloat16;
  if (name == "fp16") return Precision::kFloat16;
  throw UsageError(option + ": expected fp32, bf16 or fp16, got '" + name + "'");
}

std::string precision_name(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16:
      return "bf16";
    case Precision::kFloat16:
      return "fp16";
    case Precision::kFloat32:
      break;
  }
  return "fp32";
}

void check_precision(Precision precision, torch::Device device, const std::string& option) {
  if (precision == Precision::kFloat16 && !device.is_cuda()) {
    throw UsageError(option + " fp16 needs a CUDA device, got " + device.str() +
                     "; use bf16 or fp32 there");
  }
}

AutocastGuard::AutocastGuard(torch::Device device, Precision precision) {
  if (precision == Precision::kFloat32) return;
  // Autocast knows CPU and CUDA here; other devices run in float32.
  if (!device.is_cpu() && !device.is_cuda()) return;
  active_ = true;
  device_type_ = device.type();
  previous_enabled_ = autocast_enabled(device_type_);
  previous_dtype_ = autocast_dtype(device_type_);
  set_autocast_enabled(device_type_, true);
  set_autocast_dtype(device_type_,
                     precision == Precision::kBFloat16 ? torch::kBFloat16 : torch::kFloat16);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // Leaving the outermost region drops the cached low-precision copies of the weights, which
  // an optimiser step would otherwise leave stale.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_enabled(device_type_, previous_enabled_);
  set_autocast_dtype(device_type_, previous_dtype_);
}

}  // namespace rawgan::models
