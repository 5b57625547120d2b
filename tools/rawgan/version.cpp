#include "rawgan/version.h"

#include <torch/torch.h>

#include "rawgan/util/allocator.h"

namespace rawgan {

std::string version_string() {
  std::string device = torch::cuda::is_available() ? "CUDA available" : "CPU only";
  return std::string("rawgan ") + RAWGAN_VERSION + " (LibTorch " + TORCH_VERSION + ", " + device +
         ", malloc from " + malloc_library() + ")";
}

}  // namespace rawgan
