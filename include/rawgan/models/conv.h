// 1-D convolution whose gradients take the faster paths on the CPU.
//
// Debian's LibTorch (1.13) computes a strided 1-D convolution's forward and input gradient
// with oneDNN, but its weight gradient 1.5 to 3 times slower than a forward convolution of
// the same size; for SEGAN's deep layers (512 -> 1024 channels over 16 samples) the weight
// gradient took 345 ms where a forward convolution computing the same sums took 148 ms.
// conv1d() computes the weight gradient as that forward convolution, and the input gradient
// of a stride-1 layer with few output channels (the polyphase form of a narrow decoder layer)
// as a convolution with the flipped weight, where oneDNN's took 25 times longer.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace rawgan::models {

/// torch::conv1d(x, weight, bias, stride, padding) with dilation 1 and one group.
/// x: [batch, in_channels, length]; weight: [out_channels, in_channels, kernel]; bias:
/// [out_channels] or undefined. Returns [batch, out_channels, (length + 2 padding - kernel) /
/// stride + 1]. The values and gradients are torch::conv1d's up to float rounding. The faster
/// gradients are used for float32 tensors on the CPU outside autocast; elsewhere this is
/// torch::conv1d. Its backward is not differentiable again (no gradient penalties).
torch::Tensor conv1d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                     int64_t stride, int64_t padding);

}  // namespace rawgan::models
