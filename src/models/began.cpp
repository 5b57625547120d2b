#include "rawgan/models/began.h"

#include <string>

#include "rawgan/util/error.h"

namespace rawgan::models {
namespace {

constexpr int64_t kStride = 4;
constexpr int64_t kNBaseLayers = 5;
constexpr int64_t kCodeSamples = 16;

}  // namespace

BeganAutoencoderImpl::BeganAutoencoderImpl(const BeganAutoencoderOptions& options)
    : options_(options) {
  options_.wavegan.validate();
  if (options_.code_dim <= 0) {
    throw UsageError("BEGAN options: code_dim must be > 0, got " +
                     std::to_string(options_.code_dim));
  }
  const WaveGanOptions& sizes = options_.wavegan;
  convs = register_module("convs", torch::nn::ModuleList());
  const int64_t n_layers = kNBaseLayers + (sizes.extra_stride() > 1 ? 1 : 0);
  int64_t in = 1;
  for (int64_t i = 0; i < n_layers; ++i) {
    const int64_t out = sizes.model_size << i;
    const int64_t stride = i < kNBaseLayers ? kStride : sizes.extra_stride();
    auto pad = strided_padding(sizes.kernel_size, stride);
    convs->push_back(torch::nn::Conv1d(
        torch::nn::Conv1dOptions(in, out, sizes.kernel_size).stride(stride).padding(pad.padding)));
    in = out;
  }
  to_code = register_module("to_code", torch::nn::Linear(in * kCodeSamples, options_.code_dim));

  WaveGanOptions decoder_sizes = sizes;
  decoder_sizes.latent_dim = options_.code_dim;
  decoder = register_module("decoder", WaveGanGenerator(decoder_sizes));
}

torch::Tensor BeganAutoencoderImpl::encode(const torch::Tensor& x) {
  auto h = x;  // [batch, 1, n_samples]
  for (const auto& conv : *convs)
    h = torch::leaky_relu(conv->as<torch::nn::Conv1d>()->forward(h), options_.wavegan.leaky_slope);
  return to_code->forward(h.flatten(1));  // [batch, code_dim]
}

torch::Tensor BeganAutoencoderImpl::forward(const torch::Tensor& x) {
  return decoder->forward(encode(x));  // [batch, 1, n_samples]
}

}  // namespace rawgan::models
