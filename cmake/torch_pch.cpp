// Anchor translation unit for the shared LibTorch precompiled header (see RawganTorch.cmake).
#include <torch/torch.h>
