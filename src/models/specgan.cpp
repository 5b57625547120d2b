#include "rawgan/models/specgan.h"

#include <string>

#include "rawgan/models/wavegan.h"
#include "rawgan/util/error.h"

namespace rawgan::models {
namespace {

constexpr int64_t kStride = 2;
constexpr int64_t kDenseSize = 4;  // the dense layer's output is 4 x 4

void require(bool ok, const std::string& what) {
  if (!ok) throw UsageError("SpecGAN options: " + what);
}

bool is_power_of_two(int64_t n) {
  return n > 0 && (n & (n - 1)) == 0;
}

}  // namespace

int64_t SpecGanOptions::n_layers() const {
  int64_t n = 0;
  for (int64_t size = kDenseSize; size < image_size; size *= 2)
    ++n;
  return n;
}

void SpecGanOptions::validate() const {
  require(latent_dim > 0, "latent_dim must be > 0, got " + std::to_string(latent_dim));
  require(model_size > 0, "model_size must be > 0, got " + std::to_string(model_size));
  require(is_power_of_two(image_size) && image_size >= 8,
          "image_size must be a power of two >= 8, got " + std::to_string(image_size));
  require(kernel_size % 2 == 1 && kernel_size >= 3,
          "kernel_size must be odd and >= 3, got " + std::to_string(kernel_size));
  require(sample_rate_hz > 0, "sample_rate_hz must be > 0, got " + std::to_string(sample_rate_hz));
  require(window_samples == 2 * image_size,
          "window_samples must be 2 x image_size = " + std::to_string(2 * image_size) +
              " (one bin per image row), got " + std::to_string(window_samples));
  require(hop_samples > 0 && hop_samples <= window_samples,
          "hop_samples must be in [1, window_samples], got " + std::to_string(hop_samples));
  require(
      n_samples == hop_samples * image_size,
      "n_samples must be hop_samples x image_size = " + std::to_string(hop_samples * image_size) +
          " (one frame per image column), got " + std::to_string(n_samples));
  require(griffin_lim_iterations >= 0,
          "griffin_lim_iterations must be >= 0, got " + std::to_string(griffin_lim_iterations));
}

SpecGanOptions specgan_options_from_json(const nlohmann::json& model) {
  SpecGanOptions options;
  for (const auto& [key, value] : model.items()) {
    if (key == "latent_dim") {
      options.latent_dim = value.get<int64_t>();
    } else if (key == "model_size") {
      options.model_size = value.get<int64_t>();
    } else if (key == "image_size") {
      options.image_size = value.get<int64_t>();
    } else if (key == "kernel_size") {
      options.kernel_size = value.get<int64_t>();
    } else if (key == "leaky_slope") {
      options.leaky_slope = value.get<double>();
    } else if (key == "sample_rate_hz") {
      options.sample_rate_hz = value.get<int64_t>();
    } else if (key == "n_samples") {
      options.n_samples = value.get<int64_t>();
    } else if (key == "window_samples") {
      options.window_samples = value.get<int64_t>();
    } else if (key == "hop_samples") {
      options.hop_samples = value.get<int64_t>();
    } else if (key == "griffin_lim_iterations") {
      options.griffin_lim_iterations = value.get<int64_t>();
    } else if (key != "kind") {
      throw UsageError("SpecGAN options: unknown key '" + key + "'");
    }
  }
  options.validate();
  return options;
}

nlohmann::json to_json(const SpecGanOptions& options) {
  return {{"kind", "specgan"},
          {"latent_dim", options.latent_dim},
          {"model_size", options.model_size},
          {"image_size", options.image_size},
          {"kernel_size", options.kernel_size},
          {"leaky_slope", options.leaky_slope},
          {"sample_rate_hz", options.sample_rate_hz},
          {"n_samples", options.n_samples},
          {"window_samples", options.window_samples},
          {"hop_samples", options.hop_samples},
          {"griffin_lim_iterations", options.griffin_lim_iterations}};
}

SpecGanGeneratorImpl::SpecGanGeneratorImpl(const SpecGanOptions& options) : options_(options) {
  options_.validate();
  const int64_t n_layers = options_.n_layers();
  const int64_t widest = options_.model_size << (n_layers - 1);
  dense = register_module("dense",
                          torch::nn::Linear(options_.latent_dim, kDenseSize * kDenseSize * widest));
  upconvs = register_module("upconvs", torch::nn::ModuleList());
  auto pad = strided_padding(options_.kernel_size, kStride);
  int64_t channels = widest;
  for (int64_t i = 0; i < n_layers; ++i) {
    const int64_t out = i + 1 == n_layers ? 1 : channels / 2;
    upconvs->push_back(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(channels, out, options_.kernel_size)
            .stride(kStride)
            .padding(pad.padding)
            .output_padding(pad.output_padding)));
    channels = out;
  }
}

torch::Tensor SpecGanGeneratorImpl::forward(const torch::Tensor& z) {
  // [batch, latent] -> [batch, widest, 4, 4]
  auto x = torch::relu(dense->forward(z)).view({z.size(0), -1, kDenseSize, kDenseSize});
  const size_t n_layers = upconvs->size();
  for (size_t i = 0; i < n_layers; ++i) {
    x = upconvs[i]->as<torch::nn::ConvTranspose2d>()->forward(x);
    x = i + 1 < n_layers ? torch::relu(x) : torch::tanh(x);
  }
  return x;  // [batch, 1, image_size, image_size]
}

SpecGanDiscriminatorImpl::SpecGanDiscriminatorImpl(const SpecGanOptions& options)
    : options_(options) {
  options_.validate();
  convs = register_module("convs", torch::nn::ModuleList());
  auto pad = strided_padding(options_.kernel_size, kStride);
  int64_t in = 1;
  for (int64_t i = 0; i < options_.n_layers(); ++i) {
    const int64_t out = options_.model_size << i;
    convs->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, options_.kernel_size)
                                           .stride(kStride)
                                           .padding(pad.padding)));
    in = out;
  }
  dense = register_module("dense", torch::nn::Linear(in * kDenseSize * kDenseSize, 1));
}

torch::Tensor SpecGanDiscriminatorImpl::forward(const torch::Tensor& x) {
  auto h = x;  // [batch, 1, image_size, image_size]
  for (const auto& conv : *convs)
    h = torch::leaky_relu(conv->as<torch::nn::Conv2d>()->forward(h), options_.leaky_slope);
  return dense->forward(h.flatten(1));  // [batch, 1]
}

}  // namespace rawgan::models
