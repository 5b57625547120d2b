#include "rawgan/train/run.h"

#include <ATen/Context.h>

#include <cmath>
#include <optional>
#include <sstream>
#include <thread>

#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::train {

namespace {

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw UsageError("--device " + name +
                       ": this build of LibTorch or this machine has no CUDA device");
    }
    std::optional<torch::Device> device;
    try {
      device = torch::Device(name);
    } catch (const c10::Error&) {
      throw UsageError("--device: '" + name + "' is not a device name (cuda or cuda:N)");
    }
    const int64_t n_devices = static_cast<int64_t>(torch::cuda::device_count());
    if (device->has_index() && device->index() >= n_devices)
      throw UsageError("--device " + name + ": this machine has " + std::to_string(n_devices) +
                       " CUDA device(s), numbered from 0");
    return *device;
  }
  throw UsageError("--device: expected auto, cpu or cuda, got '" + name + "'");
}

}  // namespace

torch::Device select_device(const std::string& name) {
  const torch::Device device = parse_device(name);
  // Every run feeds its networks one fixed window shape, so cuDNN's autotuner, which times
  // the convolution algorithms on the first call of each shape, pays for itself at once.
  if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
  return device;
}

int set_thread_count(int n_threads) {
  const int n = n_threads > 0 ? n_threads : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(n);
  return n;
}

std::filesystem::path prepare_run_dir(const std::filesystem::path& run_dir, bool resume) {
  const auto last = run_dir / "last.pt";
  std::error_code ec;
  const bool exists = std::filesystem::exists(last, ec);
  if (resume && !exists) throw InputError(last.string() + ": no checkpoint to resume from");
  if (!resume && exists)
    throw UsageError(run_dir.string() +
                     " already holds a run (last.pt); pass --resume to continue it or choose "
                     "another --out");
  if (std::filesystem::exists(run_dir, ec) && !std::filesystem::is_directory(run_dir, ec)) {
    throw UsageError(run_dir.string() + " is a file: --out names the run folder (" +
                     "last.pt and best.pt go inside it)");
  }
  std::filesystem::create_directories(run_dir, ec);
  if (ec)
    throw RuntimeError(run_dir.string() + ": cannot create run folder (" + ec.message() + ")");
  return last;
}

torch::Tensor to_device_async(const torch::Tensor& host, torch::Device device) {
  if (host.device() == device) return host;
  if (!device.is_cuda() || !host.is_cpu()) return host.to(device);
  return host.pin_memory().to(device, /*non_blocking=*/true);
}

void require_finite(const std::string& what, double value, int64_t step) {
  if (std::isfinite(value)) return;
  std::ostringstream message;
  message << what << " is " << value << " at step " << step
          << ": training diverged; stopping without writing a checkpoint for it (any written "
             "earlier is intact; try a lower learning rate)";
  throw RuntimeError(message.str());
}

}  // namespace rawgan::train
