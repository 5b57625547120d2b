#include "rawgan/version.h"

#include <torch/torch.h>

namespace rawgan {

std::string version_string() {
  std::string device = torch::cuda::is_available() ? "CUDA available" : "CPU only";
  return std::string("rawgan ") + RAWGAN_VERSION + " (LibTorch " + TORCH_VERSION + ", " + device +
         ")";
}

}  // namespace rawgan
