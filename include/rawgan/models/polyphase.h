// A transposed 1-D convolution computed as one ordinary convolution over its polyphase
// components, for speed on CPUs whose LibTorch runs transposed convolutions through a slow
// im2col + GEMM path (Debian's 1.13) while plain convolutions use oneDNN.
//
// With stride s, output sample t of a transposed convolution only meets kernel taps k with
// k = t (mod s). Splitting the kernel into its s phases w_r[m] = w[m s + r] (padded to
// ceil(K / s) taps) turns each phase into an ordinary convolution of the input that yields every
// s-th output sample; running the s phases as s * out_channels output channels of one
// convolution and interleaving them gives the transposed convolution's output exactly.
//
// A drop-in replacement for torch::nn::ConvTranspose1d (groups 1, dilation 1, zero padding):
// same options, same parameters under the same names ("weight" [in, out, kernel], "bias"
// [out]) initialised the same way, so checkpoints load into either.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace rawgan::models {

class PolyphaseConvTranspose1dImpl : public torch::nn::Module {
 public:
  /// Without gradients (inference), layers with fewer than this many output channels run as
  /// LibTorch's transposed convolution: measured with Debian's LibTorch 1.13 on 2 cores
  /// (rawgan bench --decoder), oneDNN's forward convolution with so few output channels is no
  /// faster than im2col + GEMM. With gradients every layer is polyphase: the transposed
  /// convolution's backward is the slow one (segan-small training 54 -> 137 windows/s).
  static constexpr int64_t kDefaultMinOutChannels = 32;

  /// Throws UsageError for groups or dilation other than 1 or a padding mode other than zeros.
  /// `min_out_channels`: below it, forward without gradients uses torch::conv_transpose1d (0:
  /// always polyphase).
  explicit PolyphaseConvTranspose1dImpl(const torch::nn::ConvTranspose1dOptions& options,
                                        int64_t min_out_channels = kDefaultMinOutChannels);

  /// x: [batch, in_channels, length] -> [batch, out_channels, (length - 1) * stride
  ///   - 2 * padding + kernel + output_padding], as torch::nn::ConvTranspose1d.
  torch::Tensor forward(const torch::Tensor& x);

  const torch::nn::ConvTranspose1dOptions& options() const { return options_; }

  torch::Tensor weight;  ///< [in_channels, out_channels, kernel_size]
  torch::Tensor bias;    ///< [out_channels], undefined when options.bias(false)

 private:
  /// The phases as one convolution's weight [out * stride, in, ceil(kernel / stride)] and bias
  /// [out * stride]; cached while gradients are off and the parameters are unchanged.
  void polyphase_parameters(torch::Tensor& weight, torch::Tensor& bias);

  torch::nn::ConvTranspose1dOptions options_;
  int64_t min_out_channels_;
  torch::Tensor cached_weight_;
  torch::Tensor cached_bias_;
  const void* cached_data_ = nullptr;
  int64_t cached_version_ = -1;
  int64_t cached_bias_version_ = -1;
};
TORCH_MODULE(PolyphaseConvTranspose1d);

}  // namespace rawgan::models
