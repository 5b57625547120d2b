// SpecGAN (Donahue, McAuley & Puckette 2019, section 4): the DCGAN of Radford et al. (2016)
// applied to normalised log-magnitude spectrograms treated as one-channel images. The
// spectrogram side (STFT, normalisation, Griffin-Lim) lives in rawgan/data/spec_images.h; this
// header holds the networks only. Pure LibTorch.
//
// The generator maps z through a dense layer to a 4 x 4 image of 16 d channels, then doubles
// height and width with each 5 x 5 transposed convolution of stride 2 until image_size
// (5 layers for the paper's 128 x 128); the discriminator mirrors it with LeakyReLU 0.2.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>

namespace rawgan::models {

struct SpecGanOptions {
  int64_t latent_dim = 100;  ///< z values, uniform in [-1, 1]
  int64_t model_size = 64;   ///< d: the narrowest layer's channels
  int64_t image_size = 128;  ///< frames = frequency bins = image_size (a power of two >= 8)
  int64_t kernel_size = 5;   ///< square kernels of every (transposed) convolution
  double leaky_slope = 0.2;  ///< LeakyReLU slope in D
  // Spectrogram framing (used by the data layer, stored with the model): the paper's 16 ms
  // window and 8 ms hop at 16 kHz give 128 frames of 128 bins (Nyquist bin dropped).
  int64_t sample_rate_hz = 16000;
  int64_t n_samples = 16384;            ///< waveform length of one image
  int64_t window_samples = 256;         ///< STFT window (fft size): window / 2 == image_size
  int64_t hop_samples = 128;            ///< n_samples / hop == image_size
  int64_t griffin_lim_iterations = 16;  ///< the paper's setting

  /// Throws UsageError naming the field when sizes do not fit together.
  void validate() const;
  int64_t n_layers() const;
};

/// Reads a preset's "model" object (missing keys keep defaults; unknown keys: UsageError).
SpecGanOptions specgan_options_from_json(const nlohmann::json& model);
nlohmann::json to_json(const SpecGanOptions& options);

class SpecGanGeneratorImpl : public torch::nn::Module {
 public:
  explicit SpecGanGeneratorImpl(const SpecGanOptions& options = {});
  /// z [batch, latent_dim] -> image [batch, 1, image_size (frequency), image_size (time)] in
  /// (-1, 1), the normalised log magnitude.
  torch::Tensor forward(const torch::Tensor& z);

 private:
  SpecGanOptions options_;
  torch::nn::Linear dense{nullptr};
  torch::nn::ModuleList upconvs;
};
TORCH_MODULE(SpecGanGenerator);

class SpecGanDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit SpecGanDiscriminatorImpl(const SpecGanOptions& options = {});
  /// image [batch, 1, image_size, image_size] -> score [batch, 1].
  torch::Tensor forward(const torch::Tensor& x);

 private:
  SpecGanOptions options_;
  torch::nn::ModuleList convs;
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(SpecGanDiscriminator);

}  // namespace rawgan::models
