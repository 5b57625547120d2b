#include "rawgan/models/wavegan.h"

#include <string>

#include "rawgan/models/polyphase.h"
#include "rawgan/util/error.h"

namespace rawgan::models {
namespace {

// Stride of every layer but the long variants' extra one (section 3.1).
constexpr int64_t kStride = 4;
// Length after the dense layer: 16384 = 16 * 4^5.
constexpr int64_t kDenseSamples = 16;
constexpr int64_t kNBaseLayers = 5;

void require(bool ok, const std::string& what) {
  if (!ok) throw UsageError("WaveGAN options: " + what);
}

}  // namespace

void WaveGanOptions::validate() const {
  require(latent_dim > 0, "latent_dim must be > 0, got " + std::to_string(latent_dim));
  require(model_size > 0, "model_size must be > 0, got " + std::to_string(model_size));
  require(n_samples == 16384 || n_samples == 32768 || n_samples == 65536,
          "n_samples must be 16384, 32768 or 65536, got " + std::to_string(n_samples));
  require(kernel_size > 0 && kernel_size % 2 == 1 && kernel_size >= kStride,
          "kernel_size must be odd and >= 4, got " + std::to_string(kernel_size));
  require(phase_shuffle >= 0 && phase_shuffle < kDenseSamples,
          "phase_shuffle must be in [0, 15], got " + std::to_string(phase_shuffle));
  require(leaky_slope >= 0 && leaky_slope < 1,
          "leaky_slope must be in [0, 1), got " + std::to_string(leaky_slope));
  require(sample_rate_hz > 0, "sample_rate_hz must be > 0, got " + std::to_string(sample_rate_hz));
}

WaveGanOptions wavegan_options_from_json(const nlohmann::json& model) {
  WaveGanOptions options;
  for (const auto& [key, value] : model.items()) {
    if (key == "latent_dim") {
      options.latent_dim = value.get<int64_t>();
    } else if (key == "model_size") {
      options.model_size = value.get<int64_t>();
    } else if (key == "n_samples") {
      options.n_samples = value.get<int64_t>();
    } else if (key == "kernel_size") {
      options.kernel_size = value.get<int64_t>();
    } else if (key == "phase_shuffle") {
      options.phase_shuffle = value.get<int64_t>();
    } else if (key == "leaky_slope") {
      options.leaky_slope = value.get<double>();
    } else if (key == "sample_rate_hz") {
      options.sample_rate_hz = value.get<int64_t>();
    } else if (key != "kind") {
      throw UsageError("WaveGAN options: unknown key '" + key + "'");
    }
  }
  options.validate();
  return options;
}

nlohmann::json to_json(const WaveGanOptions& options) {
  return {{"kind", "wavegan"},
          {"latent_dim", options.latent_dim},
          {"model_size", options.model_size},
          {"n_samples", options.n_samples},
          {"kernel_size", options.kernel_size},
          {"phase_shuffle", options.phase_shuffle},
          {"leaky_slope", options.leaky_slope},
          {"sample_rate_hz", options.sample_rate_hz}};
}

StridedPadding strided_padding(int64_t kernel_size, int64_t stride) {
  StridedPadding result;
  result.padding = (kernel_size - stride + 1) / 2;
  result.output_padding = 2 * result.padding - (kernel_size - stride);
  return result;
}

torch::Tensor PhaseShuffleImpl::shift(const torch::Tensor& x,
                                      const std::vector<int64_t>& shifts) const {
  namespace F = torch::nn::functional;
  const int64_t n_samples = x.size(2);
  auto padded = F::pad(x, F::PadFuncOptions({radius_, radius_}).mode(torch::kReflect));
  std::vector<torch::Tensor> rows;
  rows.reserve(shifts.size());
  for (size_t b = 0; b < shifts.size(); ++b) {
    // A shift of +k moves content k samples later: output[t] = input[t - k].
    rows.push_back(padded[b].narrow(1, radius_ - shifts[b], n_samples));
  }
  return torch::stack(rows);
}

torch::Tensor PhaseShuffleImpl::forward(const torch::Tensor& x) {
  if (!is_training() || radius_ == 0) return x;
  auto draws = torch::randint(-radius_, radius_ + 1, {x.size(0)}, torch::kLong);
  auto accessor = draws.accessor<int64_t, 1>();
  std::vector<int64_t> shifts(x.size(0));
  for (int64_t b = 0; b < x.size(0); ++b)
    shifts[b] = accessor[b];
  return shift(x, shifts);
}

WaveGanGeneratorImpl::WaveGanGeneratorImpl(const WaveGanOptions& options) : options_(options) {
  options_.validate();
  const int64_t widest = options_.widest_channels();
  dense = register_module("dense", torch::nn::Linear(options_.latent_dim, kDenseSamples * widest));
  upconvs = register_module("upconvs", torch::nn::ModuleList());

  // Channels halve at each layer; the last base layer outputs one channel, or d channels that
  // the long variants' extra layer turns into one.
  const bool long_variant = options_.extra_stride() > 1;
  int64_t channels = widest;
  for (int64_t i = 0; i < kNBaseLayers; ++i) {
    const bool last = i == kNBaseLayers - 1;
    const int64_t out = last ? (long_variant ? options_.model_size : 1) : channels / 2;
    auto pad = strided_padding(options_.kernel_size, kStride);
    upconvs->push_back(PolyphaseConvTranspose1d(
        torch::nn::ConvTranspose1dOptions(channels, out, options_.kernel_size)
            .stride(kStride)
            .padding(pad.padding)
            .output_padding(pad.output_padding)));
    channels = out;
  }
  if (long_variant) {
    auto pad = strided_padding(options_.kernel_size, options_.extra_stride());
    upconvs->push_back(PolyphaseConvTranspose1d(
        torch::nn::ConvTranspose1dOptions(channels, 1, options_.kernel_size)
            .stride(options_.extra_stride())
            .padding(pad.padding)
            .output_padding(pad.output_padding)));
  }
}

torch::Tensor WaveGanGeneratorImpl::forward(const torch::Tensor& z) {
  // [batch, latent] -> [batch, widest, 16], ReLU after the dense layer as in the paper.
  auto x = torch::relu(dense->forward(z)).view({z.size(0), -1, kDenseSamples});
  const size_t n_layers = upconvs->size();
  for (size_t i = 0; i < n_layers; ++i) {
    x = upconvs[i]->as<PolyphaseConvTranspose1d>()->forward(x);
    x = i + 1 < n_layers ? torch::relu(x) : torch::tanh(x);
  }
  return x;  // [batch, 1, n_samples]
}

WaveGanDiscriminatorImpl::WaveGanDiscriminatorImpl(const WaveGanOptions& options)
    : options_(options) {
  options_.validate();
  convs = register_module("convs", torch::nn::ModuleList());
  shuffles = register_module("shuffles", torch::nn::ModuleList());
  const bool long_variant = options_.extra_stride() > 1;
  const int64_t n_layers = kNBaseLayers + (long_variant ? 1 : 0);
  int64_t in = 1;
  for (int64_t i = 0; i < n_layers; ++i) {
    const int64_t out = options_.model_size << i;
    // The long variants' extra layer mirrors the generator's: stride 2 or 4.
    const int64_t stride = i < kNBaseLayers ? kStride : options_.extra_stride();
    auto pad = strided_padding(options_.kernel_size, stride);
    convs->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, options_.kernel_size)
                                           .stride(stride)
                                           .padding(pad.padding)));
    in = out;
  }
  // Phase shuffle follows every layer but the last (section 3.3).
  for (int64_t i = 0; i + 1 < n_layers; ++i)
    shuffles->push_back(PhaseShuffle(options_.phase_shuffle));
  // Every variant leaves 16 samples of the widest layer for the dense layer.
  dense = register_module("dense", torch::nn::Linear(in * kDenseSamples, 1));
}

torch::Tensor WaveGanDiscriminatorImpl::forward(const torch::Tensor& x) {
  auto h = x;  // [batch, 1, n_samples]
  const size_t n_layers = convs->size();
  for (size_t i = 0; i < n_layers; ++i) {
    h = convs[i]->as<torch::nn::Conv1d>()->forward(h);
    h = torch::leaky_relu(h, options_.leaky_slope);
    if (i + 1 < n_layers) h = shuffles[i]->as<PhaseShuffle>()->forward(h);
  }
  return dense->forward(h.flatten(1));  // [batch, 1]
}

}  // namespace rawgan::models
