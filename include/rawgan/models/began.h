// The autoencoder discriminator of BEGAN (Berthelot, Schumm & Metz 2017, section 3.1), made
// one-dimensional for waveforms: the discriminator encodes a clip to a small code and decodes it
// back; its reconstruction error is the "energy" the BEGAN losses compare (see
// rawgan/train/gan_losses.h). The encoder is WaveGAN's discriminator stack without phase
// shuffle (an autoencoder must reconstruct the clip it was given, not a shifted one); the
// decoder is WaveGAN's generator with the code in place of z. Pure LibTorch.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "rawgan/models/wavegan.h"

namespace rawgan::models {

struct BeganAutoencoderOptions {
  WaveGanOptions wavegan;  ///< sizes of the encoder/decoder stacks (model_size, n_samples)
  int64_t code_dim = 64;   ///< the bottleneck: BEGAN's h (the paper uses 64 for images)
};

class BeganAutoencoderImpl : public torch::nn::Module {
 public:
  explicit BeganAutoencoderImpl(const BeganAutoencoderOptions& options = {});
  /// waveform [batch, 1, n_samples] -> reconstruction [batch, 1, n_samples] in (-1, 1).
  torch::Tensor forward(const torch::Tensor& x);
  /// waveform [batch, 1, n_samples] -> code [batch, code_dim].
  torch::Tensor encode(const torch::Tensor& x);
  const BeganAutoencoderOptions& options() const { return options_; }

 private:
  BeganAutoencoderOptions options_;
  torch::nn::ModuleList convs;
  torch::nn::Linear to_code{nullptr};
  WaveGanGenerator decoder{nullptr};
};
TORCH_MODULE(BeganAutoencoder);

}  // namespace rawgan::models
