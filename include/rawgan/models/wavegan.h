// WaveGAN (Donahue, McAuley & Puckette 2019, "Adversarial audio synthesis", section 3): a
// DCGAN-like generator and discriminator made one-dimensional, with long (25-tap) filters,
// stride 4, and phase shuffle in the discriminator.
//
// All sizes come from WaveGanOptions. The paper's model (its "d" = model_size = 64) makes
// 16384 samples from 100 latent values; 32768 and 65536 samples add one layer of stride 2 or 4
// (and double the widest channel count, as in the paper's longer variants). Smaller
// model_size values give the narrow CPU presets. The transposed convolutions run as polyphase
// ordinary convolutions (rawgan/models/polyphase.h: same parameters, faster on CPUs). Pure
// LibTorch: no files, no audio I/O.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>

namespace rawgan::models {

struct WaveGanOptions {
  int64_t latent_dim = 100;        ///< z values, drawn uniformly from [-1, 1]
  int64_t model_size = 64;         ///< the paper's d: the narrowest layer has d channels
  int64_t n_samples = 16384;       ///< output length: 16384, 32768 or 65536
  int64_t kernel_size = 25;        ///< taps of every (transposed) convolution
  int64_t phase_shuffle = 2;       ///< radius n of phase shuffle in D (0 disables it)
  double leaky_slope = 0.2;        ///< LeakyReLU slope in D
  int64_t sample_rate_hz = 16000;  ///< not used by the network; the rate clips are made at

  /// Throws UsageError naming the field when a value is out of range (e.g. a length that is
  /// not 16384, 32768 or 65536, an even kernel).
  void validate() const;
  /// Stride of the extra layer of the long variants: 1 (none), 2 or 4.
  int64_t extra_stride() const { return n_samples / 16384; }
  /// Channels of the dense layer's output: 16 d, or 32 d for the long variants.
  int64_t widest_channels() const { return model_size * (extra_stride() > 1 ? 32 : 16); }
};

/// Reads the options from a preset's "model" object; missing keys keep their defaults, unknown
/// keys are a UsageError (a typo must not silently train another model).
WaveGanOptions wavegan_options_from_json(const nlohmann::json& model);
nlohmann::json to_json(const WaveGanOptions& options);

/// Phase shuffle (section 3.3): shifts each example in time by an integer drawn uniformly from
/// [-radius, radius], filling the edge by reflection, so that D cannot rely on the phase of
/// periodic artefacts. Identity in eval mode. Shifts come from the global CPU generator, so a
/// seeded run is reproducible and resumable.
class PhaseShuffleImpl : public torch::nn::Module {
 public:
  explicit PhaseShuffleImpl(int64_t radius) : radius_(radius) {}
  /// [batch, channels, samples] -> same shape.
  torch::Tensor forward(const torch::Tensor& x);
  /// The same with given shifts (one per example, each in [-radius, radius]); for tests.
  torch::Tensor shift(const torch::Tensor& x, const std::vector<int64_t>& shifts) const;
  int64_t radius() const { return radius_; }

 private:
  int64_t radius_;
};
TORCH_MODULE(PhaseShuffle);

class WaveGanGeneratorImpl : public torch::nn::Module {
 public:
  explicit WaveGanGeneratorImpl(const WaveGanOptions& options = {});
  /// z [batch, latent_dim] -> waveform [batch, 1, n_samples] in (-1, 1).
  torch::Tensor forward(const torch::Tensor& z);
  const WaveGanOptions& options() const { return options_; }

 private:
  WaveGanOptions options_;
  torch::nn::Linear dense{nullptr};
  torch::nn::ModuleList upconvs;
};
TORCH_MODULE(WaveGanGenerator);

class WaveGanDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit WaveGanDiscriminatorImpl(const WaveGanOptions& options = {});
  /// waveform [batch, 1, n_samples] -> score [batch, 1] (unbounded: a critic value or a logit).
  torch::Tensor forward(const torch::Tensor& x);
  const WaveGanOptions& options() const { return options_; }

 private:
  WaveGanOptions options_;
  torch::nn::ModuleList convs;
  torch::nn::ModuleList shuffles;
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(WaveGanDiscriminator);

/// Padding and output padding that make a (transposed) convolution of odd `kernel_size` and
/// `stride` divide (multiply) the length exactly by the stride.
struct StridedPadding {
  int64_t padding = 0;
  int64_t output_padding = 0;
};
StridedPadding strided_padding(int64_t kernel_size, int64_t stride);

}  // namespace rawgan::models
